/* libgit2 for local repositories only.
 *
 * Debian's libgit2.a is built with HTTPS through mbedTLS, SSH through
 * libssh2 (which needs OpenSSL) and SPNEGO through Kerberos. Linking those,
 * and letting git_libgit2_init() start them (seeding mbedTLS's entropy pool,
 * initialising OpenSSL, parsing the CA bundle), cost every hook run more
 * than git takes to answer the hook's question. relgate opens local
 * repositories only: pushes and fetches run `git` (src/cli/process.cpp) and
 * CI providers use libcurl (src/ci/http.cpp).
 *
 * This object defines every symbol through which libgit2 reaches those three
 * transports. Linked before libgit2.a (CMakeLists.txt: relgate_libgit2), it
 * keeps the archive's ssh, mbedTLS-stream and SPNEGO objects, and with them
 * libssh2, OpenSSL and Kerberos, out of the executable. Were relgate ever to
 * ask libgit2 for a network transport, the call fails with a clear error
 * instead of reaching the network. The prototypes are libgit2 1.5's
 * (src/libgit2/streams/mbedtls.h, transports/ssh.h, transports/auth_negotiate.h).
 */
#include <git2/errors.h>
#include <git2/sys/transport.h>

#include <stddef.h>

typedef struct git_stream git_stream;
typedef struct git_http_auth_context git_http_auth_context;
typedef struct git_net_url git_net_url;

int git_transport_ssh_global_init(void);
int git_mbedtls_stream_global_init(void);
int git_mbedtls__set_cert_location(const char *file, const char *path);
int git_mbedtls_stream_new(git_stream **out, const char *host, const char *port);
int git_mbedtls_stream_wrap(git_stream **out, git_stream *in, const char *host);
int git_http_auth_negotiate(git_http_auth_context **out, const git_net_url *url);

static int no_network(void)
{
	git_error_set_str(GIT_ERROR_NET, "relgate's libgit2 reads local repositories only; run git for network operations");
	return -1;
}

int git_transport_ssh_global_init(void)
{
	return 0;
}

int git_smart_subtransport_ssh(git_smart_subtransport **out, git_transport *owner, void *param)
{
	(void)owner;
	(void)param;
	*out = NULL;
	return no_network();
}

int git_transport_ssh_with_paths(git_transport **out, git_remote *owner, void *payload)
{
	(void)owner;
	(void)payload;
	*out = NULL;
	return no_network();
}

int git_mbedtls_stream_global_init(void)
{
	return 0;
}

int git_mbedtls__set_cert_location(const char *file, const char *path)
{
	(void)file;
	(void)path;
	return no_network();
}

int git_mbedtls_stream_new(git_stream **out, const char *host, const char *port)
{
	(void)host;
	(void)port;
	*out = NULL;
	return no_network();
}

int git_mbedtls_stream_wrap(git_stream **out, git_stream *in, const char *host)
{
	(void)in;
	(void)host;
	*out = NULL;
	return no_network();
}

int git_http_auth_negotiate(git_http_auth_context **out, const git_net_url *url)
{
	(void)url;
	*out = NULL;
	return no_network();
}
