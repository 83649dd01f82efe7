#pragma once
// `relgate doctor --server ROOT`: every bare repository under a hosting
// platform's repositories root, and whether relgate judges its pushes. For
// platforms without a host-wide hook that leaves their own hooks working
// (Gitea: a system-wide core.hooksPath would replace Gitea's), this is how
// an admin finds the repositories created since relgate was installed.

#include <string>

namespace relgate::cli {

// Lists the bare repositories below `root` (not below a repository, not
// through symbolic links, at most 8 levels down), each as protected (which
// hook) or not, with the install command that protects it (as its owner).
// `gitlab_custom_hooks_dir`: Gitaly's [hooks] custom_hooks_dir, whose
// pre-receive.d/relgate protects every GitLab repository. Returns 0 when
// every repository found is protected, 1 otherwise (none found included).
int run_server_doctor(const std::string& root, const std::string& gitlab_custom_hooks_dir);

} // namespace relgate::cli
