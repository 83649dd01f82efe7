#!/usr/bin/env bash
# Black-box suite: relgate behind git's smart HTTP, as a self-hoster serves
# it with Debian's nginx, fcgiwrap and git-http-backend, with basic auth
# (apache2-utils' htpasswd): install/deps.sh test installs them. Started once
# for the suite on 127.0.0.1, each with a private configuration in the
# suite's temp dir, and stopped by pid (fcgiwrap by its process group: its
# prefork workers outlive a TERM to their master). nginx passes the
# authenticated name as REMOTE_USER, which relgate reads as the pusher.
# fcgiwrap clears the environment, so this suite runs in the release build
# only. Skipped when not root (nginx's worker user, the machine's own
# fastcgi_params).
#
#   bash tests/blackbox/smart_http.sh [path/to/relgate]

. "$(dirname "$0")/lib.sh" "$@"

if [ "$(id -u)" -ne 0 ]; then
    echo "# skipped: smart_http.sh runs nginx as root with a private config"
    rm -rf "$SUITE_TMP"
    exit 125
fi
for need in /usr/sbin/nginx /usr/sbin/fcgiwrap /usr/bin/htpasswd /usr/lib/git-core/git-http-backend /etc/nginx/fastcgi_params; do
    if [ ! -e "$need" ]; then
        echo "not ok - smart HTTP suite: $need is missing (install/deps.sh test installs nginx, fcgiwrap and apache2-utils)"
        echo "0 passed, 1 failed"
        rm -rf "$SUITE_TMP"
        exit 1
    fi
done

WEB=$SUITE_TMP/web
REPOS=$SUITE_TMP/repos
NGINX_PID=
FCGI_PID=
HTTP_PORT=
mkdir -p "$WEB/tmp" "$REPOS"

stop_servers() {
    stop_pid "$NGINX_PID"
    NGINX_PID=
    if [ -n "$FCGI_PID" ]; then
        kill -TERM -- "-$FCGI_PID" 2>/dev/null
        stop_pid "$FCGI_PID"
        kill -KILL -- "-$FCGI_PID" 2>/dev/null
        FCGI_PID=
    fi
}
trap stop_servers EXIT

start_fcgiwrap() {
    # its own session and process group (pgid = its pid), so that the workers
    # are stopped with it
    setsid /usr/sbin/fcgiwrap -c 4 -s "unix:$WEB/fcgiwrap.sock" 2>>"$WEB/fcgiwrap.log" &
    FCGI_PID=$!
    for _ in $(seq 1 50); do
        [ -S "$WEB/fcgiwrap.sock" ] && return 0
        kill -0 "$FCGI_PID" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# The location is the canonical recipe of git-http-backend(1) for nginx:
# every request authenticated, REMOTE_USER the name nginx checked.
write_nginx_conf() {
    cat >"$WEB/nginx.conf" <<CONF
daemon off;
worker_processes 1;
user root root;
pid $WEB/nginx.pid;
error_log $WEB/error.log info;
events { worker_connections 64; }
http {
    access_log $WEB/access.log;
    client_body_temp_path $WEB/tmp/body;
    fastcgi_temp_path $WEB/tmp/fastcgi;
    proxy_temp_path $WEB/tmp/proxy;
    uwsgi_temp_path $WEB/tmp/uwsgi;
    scgi_temp_path $WEB/tmp/scgi;
    client_max_body_size 0;
    server {
        listen 127.0.0.1:$1;
        location ~ ^/git(/.*)\$ {
            auth_basic "relgate test";
            auth_basic_user_file $WEB/htpasswd;
            include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME /usr/lib/git-core/git-http-backend;
            fastcgi_param GIT_PROJECT_ROOT $REPOS;
            fastcgi_param GIT_HTTP_EXPORT_ALL "";
            fastcgi_param PATH_INFO \$1;
            fastcgi_param REMOTE_USER \$remote_user;
            fastcgi_pass unix:$WEB/fcgiwrap.sock;
        }
    }
}
CONF
}

start_nginx() {
    local port
    git init -q --bare "$REPOS/probe.git"
    for _ in 1 2 3 4 5; do
        port=$(random_free_port) || break
        write_nginx_conf "$port"
        /usr/sbin/nginx -e "$WEB/error.log" -p "$WEB" -c "$WEB/nginx.conf" 2>>"$WEB/error.log" &
        NGINX_PID=$!
        for _ in $(seq 1 50); do
            kill -0 "$NGINX_PID" 2>/dev/null || break
            if timeout 5 git ls-remote "http://alice:alice-pw@127.0.0.1:$port/git/probe.git" >/dev/null 2>&1; then
                HTTP_PORT=$port
                return 0
            fi
            sleep 0.1
        done
        stop_pid "$NGINX_PID"
        NGINX_PID=
    done
    return 1
}

htpasswd -bcB "$WEB/htpasswd" alice alice-pw 2>/dev/null &&
    htpasswd -bB "$WEB/htpasswd" bob bob-pw 2>/dev/null || { echo "not ok - htpasswd failed"; echo "0 passed, 1 failed"; exit 1; }
if ! start_fcgiwrap || ! start_nginx; then
    echo "not ok - smart HTTP servers did not start on 127.0.0.1"
    sed 's/^/#   /' "$WEB/error.log" "$WEB/fcgiwrap.log" 2>/dev/null
    echo "0 passed, 1 failed"
    stop_servers
    exit 1
fi
echo "# nginx on 127.0.0.1:$HTTP_PORT (pid $NGINX_PID), fcgiwrap pid $FCGI_PID"

# url USER NAME: the repository NAME as USER reaches it.
url() {
    echo "http://$1:$1-pw@127.0.0.1:$HTTP_PORT/git/$2.git"
}

# http_repo NAME: NAME.git under git-http-backend's root, relgate's
# pre-receive installed, and a hook chained after it that holds a push
# landing while relgate-test-slow exists (release_flow's race).
http_repo() {
    make_server pre-receive "$REPOS/$1.git"
    printf '%s\n' "$SLOW_PRE_RECEIVE" >"$SERVER/hooks/pre-receive.relgate-chained"
    chmod 755 "$SERVER/hooks/pre-receive.relgate-chained"
}

flow_over_http() {
    http_repo flow
    release_flow "$(url alice flow)" "$(url bob flow)" identity
}

# Without the right credentials nginx refuses: nothing reaches git or relgate.
no_credentials_no_push() {
    http_repo anonymous
    must git clone -q "$(url alice anonymous)" work
    cd work || exit 1
    commit_file "feat: initial commit"
    local url
    for url in "http://127.0.0.1:$HTTP_PORT/git/anonymous.git" "http://alice:wrong@127.0.0.1:$HTTP_PORT/git/anonymous.git"; do
        run_cmd git push "$url" main
        [ "$LAST_RC" -ne 0 ] || fail "a push without the right credentials went through"
        assert_output_matches "could not read Username|Authentication failed"
    done
    assert_remote_ref_absent refs/heads/main
    [ -e "$SERVER/relgate-audit.log" ] && fail "relgate judged a push nginx should have refused"
}

# RELGATE_BENCH=N: what relgate's pre-receive costs a push over HTTP.
bench_http() {
    make_server pre-receive "$REPOS/bench.git"
    bench_pushes "smart HTTP (nginx, fcgiwrap)" "$(url alice bench)" "$RELGATE_BENCH"
}

if [ -n "${RELGATE_BENCH:-}" ]; then
    run_scenario "smart HTTP: push overhead (RELGATE_BENCH)" bench_http
    wait_scenarios
fi
run_scenario "smart HTTP: the release flow as alice and bob (REMOTE_USER)" flow_over_http
run_scenario "smart HTTP: wrong or no credentials, no push" no_credentials_no_push
wait_scenarios
stop_servers
finish
