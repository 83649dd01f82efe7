// Startup cost: Debian's libgit2 is built with mbedTLS, and git_libgit2_init()
// parses the whole system CA bundle (/etc/ssl/certs/ca-certificates.crt,
// ~140 certificates) on every start: 10-30 ms on this machine, more than git
// itself takes to answer a hook's questions. relgate never opens an HTTPS
// connection through libgit2 (it reads local repositories only; CI providers
// use libcurl), so the executable provides this one mbedTLS function, which
// the dynamic linker binds libgit2's call to, and loads no certificates.
// The executable exports it (see CMakeLists.txt: --export-dynamic-symbol).

extern "C" {
struct mbedtls_x509_crt;
int mbedtls_x509_crt_parse_file(mbedtls_x509_crt* /*chain*/, const char* /*path*/);
int mbedtls_x509_crt_parse_file(mbedtls_x509_crt* /*chain*/, const char* /*path*/) { return 0; }
}
