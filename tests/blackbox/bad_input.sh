#!/usr/bin/env bash
# Black-box suite: bad input never crashes relgate and never lets a push
# through. Every usage, input or configuration error must:
#   exit with exactly 2, print exactly one line on stderr starting
#   `relgate: error: ` and nothing on stdout, leave no core file, and finish
#   within the timeout.
# And a server whose policy file is broken refuses pushes (fails closed).
#
#   bash tests/blackbox/bad_input.sh [path/to/relgate]

. "$(dirname "$0")/lib.sh" "$@"
CMD_TIMEOUT=10

ZERO=0000000000000000000000000000000000000000

# expect_error CMD...: the error contract above (stdin from $STDIN_FILE).
expect_error() {
    run_cmd "$@"
    local lines
    if [ "$LAST_RC" -eq 124 ] || [ "$LAST_RC" -eq 137 ]; then
        fail "timed out after ${CMD_TIMEOUT}s"
    elif [ "$LAST_RC" -ne 2 ]; then
        fail "expected exit 2, got $LAST_RC"
    fi
    lines=$(awk 'END { print NR }' "$LAST_STDERR")
    [ "$lines" -eq 1 ] || fail "expected exactly one line on stderr, got $lines"
    head -n 1 "$LAST_STDERR" | grep -q '^relgate: error: ' \
        || fail "stderr does not start with 'relgate: error: '"
    if [ -s "$LAST_STDOUT" ]; then fail "stdout should be empty"; fi
    if compgen -G 'core*' >/dev/null; then fail "left a core file"; fi
}

# pre_receive_input TEXT: a scenario feeding TEXT (printf %b) to
# `relgate pre-receive`.
pre_receive_input() {
    bare_repo
    printf '%b' "$1" >"$SCENARIO_DIR/stdin"
    STDIN_FILE=$SCENARIO_DIR/stdin expect_error "$RELGATE_BIN" pre-receive
}

pre_receive_garbage() {
    pre_receive_input 'this is not a ref update\n'
}

pre_receive_random_2mb() {
    bare_repo
    head -c 2000000 /dev/urandom >"$SCENARIO_DIR/stdin"
    STDIN_FILE=$SCENARIO_DIR/stdin expect_error "$RELGATE_BIN" pre-receive
}

pre_receive_non_hex_ids() {
    local z=zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz
    pre_receive_input "$z $z refs/heads/main\n"
}

# Well-formed, but no such object in the repository.
pre_receive_unknown_object() {
    pre_receive_input "$ZERO 1234567890abcdef1234567890abcdef12345678 refs/tags/v0.1.0-rc1\n"
}

pre_receive_id_too_short() {
    pre_receive_input "$ZERO 1234567890abcdef1234567890abcdef1234567 refs/tags/v0.1.0-rc1\n"
}

pre_receive_id_too_long() {
    pre_receive_input "$ZERO 1234567890abcdef1234567890abcdef123456789 refs/tags/v0.1.0-rc1\n"
}

pre_receive_missing_ref_field() {
    pre_receive_input "$ZERO $ZERO\n"
}

update_wrong_arg_count() {
    bare_repo
    expect_error "$RELGATE_BIN" update
    expect_error "$RELGATE_BIN" update refs/heads/main "$ZERO"
    expect_error "$RELGATE_BIN" update refs/heads/main "$ZERO" "$MAIN_ID" extra
}

check_wrong_arg_count() {
    bare_repo
    expect_error "$RELGATE_BIN" check refs/tags/v0.1.0-rc1 "$ZERO"
}

unknown_subcommand() {
    bare_repo
    expect_error "$RELGATE_BIN" frobnicate
}

# --- configuration -------------------------------------------------------------------

# check_with_config TOML: a scenario running `relgate --config FILE check` of
# an otherwise good update (rc1 at main) with FILE holding TOML (printf %b).
# The file is $SCENARIO_DIR/policy.toml.
check_with_config() {
    bare_repo
    printf '%b' "$1" >"$SCENARIO_DIR/policy.toml"
    CONFIG=$SCENARIO_DIR/policy.toml
}

# Control case: a valid config file is accepted (so the failures below come
# from the config, not from the command).
config_valid_accepted() {
    check_with_config '[rules]\ntag-name = "warn"\n'
    expect_accept "$RELGATE_BIN" --config "$CONFIG" check refs/tags/v0.1.0-rc1 "$ZERO" "$MAIN_ID"
}

config_broken_toml() {
    check_with_config '[rules\ntag-name = "error"\n'
    expect_error "$RELGATE_BIN" --config "$CONFIG" check refs/tags/v0.1.0-rc1 "$ZERO" "$MAIN_ID"
    assert_output_matches '^relgate: error: .*policy\.toml:1:[0-9]+: '
}

config_unknown_key_suggests() {
    check_with_config '[rules]\ntag-nmae = "error"\n'
    expect_error "$RELGATE_BIN" --config "$CONFIG" check refs/tags/v0.1.0-rc1 "$ZERO" "$MAIN_ID"
    assert_output_matches '^relgate: error: .*policy\.toml:2:[0-9]+: '
    assert_output_contains "did you mean"
    assert_output_contains "tag-name"
}

config_bad_severity() {
    check_with_config '[rules]\ntag-name = "fatal"\n'
    expect_error "$RELGATE_BIN" --config "$CONFIG" check refs/tags/v0.1.0-rc1 "$ZERO" "$MAIN_ID"
    assert_output_matches '^relgate: error: .*policy\.toml:2:[0-9]+: '
}

config_bad_regex() {
    check_with_config "[tags]\nversion_like = '('\n"
    expect_error "$RELGATE_BIN" --config "$CONFIG" check refs/tags/v0.1.0-rc1 "$ZERO" "$MAIN_ID"
    assert_output_matches '^relgate: error: .*policy\.toml:2:[0-9]+: '
}

config_missing_file() {
    bare_repo
    expect_error "$RELGATE_BIN" --config "$SCENARIO_DIR/no-such.toml" check refs/tags/v0.1.0-rc1 "$ZERO" "$MAIN_ID"
    assert_output_contains "no-such.toml"
}

# The hook path too: pre-receive with a good update line but a broken config.
config_broken_in_pre_receive() {
    bare_repo
    printf '[rules\n' >"$SCENARIO_DIR/policy.toml"
    printf '%s %s refs/tags/v0.1.0-rc1\n' "$ZERO" "$MAIN_ID" >"$SCENARIO_DIR/stdin"
    STDIN_FILE=$SCENARIO_DIR/stdin expect_error "$RELGATE_BIN" --config "$SCENARIO_DIR/policy.toml" pre-receive
}

# --- end to end: fail closed ---------------------------------------------------

# A broken relgate.toml in the server's git dir: every push is refused with
# the configuration error, and the remote is unchanged.
server_broken_config_fails_closed() {
    setup_repo pre-receive
    printf '[rules\ntag-name = "error"\n' >"$SERVER/relgate.toml"
    must git tag v0.1.0-rc1 main
    expect_fail "relgate: error:" git push origin v0.1.0-rc1
    assert_output_contains "relgate.toml:1:"
    assert_remote_ref_absent refs/tags/v0.1.0-rc1
    commit_file "feat: more"
    expect_fail "relgate: error:" git push origin main
}

# Same with a bad regex (a config that parses as TOML but is not valid).
server_bad_regex_fails_closed() {
    setup_repo pre-receive
    printf "[tags]\nversion_like = '('\n" >"$SERVER/relgate.toml"
    must git tag v0.1.0-rc1 main
    expect_fail "relgate: error:" git push origin v0.1.0-rc1
    assert_remote_ref_absent refs/tags/v0.1.0-rc1
}

# The server says an error is not the pusher's fault; the client stops the
# push, or lets it go on with a warning when the policy says fail_open_on_error.
fail_closed_said_clearly() {
    setup_repo pre-receive
    printf '[rules\n' >"$SERVER/relgate.toml"
    must git tag v0.1.0-rc1 main
    expect_fail "not your fault: tell the repository's admins" git push origin v0.1.0-rc1
    printf 'garbage\n' >"$SCENARIO_DIR/garbage"
    STDIN_FILE=$SCENARIO_DIR/garbage run_cmd "$RELGATE_BIN" pre-push origin "$SERVER"
    [ "$LAST_RC" -eq 2 ] || fail "client error should exit 2, got $LAST_RC"
    assert_output_contains "the push is stopped because relgate could not check it"
    [ "$(wc -l <"$LAST_STDERR")" -eq 1 ] || fail "expected one line"
    printf '[client]\nfail_open_on_error = true\n' >.git/relgate.toml
    STDIN_FILE=$SCENARIO_DIR/garbage run_cmd "$RELGATE_BIN" pre-push origin "$SERVER"
    [ "$LAST_RC" -eq 0 ] || fail "fail_open_on_error should let the push go on (exit 0), got $LAST_RC"
    assert_output_contains "relgate: warning:"
    assert_output_contains "the push goes on unchecked"
}

run_scenario fail_closed_said_clearly fail_closed_said_clearly
run_scenario pre_receive_garbage pre_receive_garbage
run_scenario pre_receive_random_2mb pre_receive_random_2mb
run_scenario pre_receive_non_hex_ids pre_receive_non_hex_ids
run_scenario pre_receive_unknown_object pre_receive_unknown_object
run_scenario pre_receive_id_too_short pre_receive_id_too_short
run_scenario pre_receive_id_too_long pre_receive_id_too_long
run_scenario pre_receive_missing_ref_field pre_receive_missing_ref_field
run_scenario update_wrong_arg_count update_wrong_arg_count
run_scenario check_wrong_arg_count check_wrong_arg_count
run_scenario unknown_subcommand unknown_subcommand
run_scenario config_valid_accepted config_valid_accepted
run_scenario config_broken_toml config_broken_toml
run_scenario config_unknown_key_suggests config_unknown_key_suggests
run_scenario config_bad_severity config_bad_severity
run_scenario config_bad_regex config_bad_regex
run_scenario config_missing_file config_missing_file
run_scenario config_broken_in_pre_receive config_broken_in_pre_receive
run_scenario server_broken_config_fails_closed server_broken_config_fails_closed
run_scenario server_bad_regex_fails_closed server_bad_regex_fails_closed
finish
