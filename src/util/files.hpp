#pragma once
// What a path names, asked once (stat, following symbolic links): false when
// it names nothing, cannot be read, or names something else.

#include <string>

namespace relgate::files {

bool is_directory(const std::string& path);
bool is_regular_file(const std::string& path);

} // namespace relgate::files
