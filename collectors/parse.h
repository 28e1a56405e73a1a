// Allocation-free helpers shared by the /proc and /sys parsers: file reads into reusable buffers,
// line and field splitting over string_view, strict number parsing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/result.h"

namespace opsagent::collectors {

/// Files under /proc and /sys are small; anything larger than this is refused rather than read
/// without bound (a bug or a hostile bind mount, never a real kernel file we parse).
inline constexpr std::size_t kMaxFileBytes = 64 * 1024 * 1024;

/// Reads the whole file into `out`, reusing its capacity (no allocation once warm). The error
/// names the path and errno text. ENOENT is reported like any other error; callers that treat a
/// missing file as "feature absent" check `FileExists` first or use `ReadOptionalFile`.
Status ReadFile(const std::string& path, std::string& out);

/// Like ReadFile, but a missing file (ENOENT/ENOTDIR) yields std::nullopt-like `false` with OK
/// status: returns true when read, false when absent.
Result<bool> ReadOptionalFile(const std::string& path, std::string& out);

/// Reads a one-value sysfs attribute and trims the trailing newline.
Result<std::string> ReadTrimmedFile(const std::string& path);

/// Pops the next line (without '\n') from `rest`; false when nothing is left.
bool NextLine(std::string_view& rest, std::string_view& line);

/// Pops the next whitespace-separated field from `rest`; false when nothing is left.
bool NextField(std::string_view& rest, std::string_view& field);

/// Splits `line` into up to `max` whitespace-separated fields; returns how many were stored.
std::size_t SplitFields(std::string_view line, std::string_view* fields, std::size_t max);

std::string_view Trim(std::string_view s);

/// Strict parsers: the whole field must be a number (no trailing garbage, no sign on unsigned).
std::optional<std::uint64_t> ParseUint(std::string_view s);
std::optional<std::int64_t> ParseInt(std::string_view s);
std::optional<double> ParseDouble(std::string_view s);
/// Hex without "0x" prefix (as in /proc/net/tcp).
std::optional<std::uint64_t> ParseHex(std::string_view s);

/// `"line"` for error messages, cut to 80 bytes with "..." so a huge line cannot flood a log.
std::string Snippet(std::string_view line);

/// `"s"`, whole. (Built by appending: GCC 12's -Wrestrict misfires on `"\"" + s + "\""` at -O2.)
std::string Quoted(std::string_view s);

/// Whether `s` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
/// Label values from outside data must be: Prometheus rejects a whole scrape otherwise.
bool IsValidUtf8(std::string_view s);

/// Sorted entry names of `dir` (without "." and ".."); returns 0 or an errno value.
int ListDir(const std::string& dir, std::vector<std::string>& names);

/// Decodes the octal escapes the kernel writes in mountinfo and mounts ("\040" for a space).
std::string DecodeOctalEscapes(std::string_view s);

}  // namespace opsagent::collectors
