// Internal to rules/template*.cc: the value model, Go fmt formatting and the function table.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/result.h"
#include "rules/template.h"

namespace opsagent::rules::tmpl {

/// The Go types a template value can have here; enough for alert data and the function results.
enum class Kind { kInvalid, kBool, kInt, kUint8, kFloat, kString, kHtml, kMap, kData };

/// A dynamically typed template value (Go's reflect.Value, restricted to the types above).
/// kInvalid is Go's zero reflect.Value: an untyped nil. Maps and data point into the
/// TemplateData being executed, which outlives every value of one execution.
struct Value {
  Kind kind = Kind::kInvalid;
  bool b = false;
  std::int64_t i = 0;
  double f = 0;
  std::string s;
  const Labels* map = nullptr;
  const TemplateData* data = nullptr;

  static Value Bool(bool v);
  static Value Int(std::int64_t v);
  static Value Float(double v);
  static Value String(std::string v);
  static Value Map(const Labels* v);
  static Value Data(const TemplateData* v);
  bool IsString() const { return kind == Kind::kString || kind == Kind::kHtml; }
};

/// Go's reflect type name (`float64`, `map[string]string`, `struct { ... }`).
std::string TypeName(const Value& v);
/// Go's `if` truth: non-zero, non-empty; ok is false for values without a truth value.
bool IsTrue(const Value& v);

/// fmt.Sprint of one value (`%v`); `invalid_text` is what an untyped nil prints as.
std::string FormatValue(const Value& v, std::string_view invalid_text = "<nil>");
/// fmt.Sprint(args...): spaces between operands when neither side is a string.
std::string Sprint(std::span<const Value> args);
/// fmt.Sprintln(args...).
std::string Sprintln(std::span<const Value> args);
/// fmt.Sprintf with Go's verbs, flags, width and precision, and its %!v(MISSING)-style errors.
std::string Sprintf(std::string_view format, std::span<const Value> args);
/// strconv.FormatFloat(v, fmt, prec, 64); prec -1 is the shortest representation.
std::string FormatFloat(double v, char fmt, int prec);

/// strconv.Quote (ascii_only: QuoteToASCII), with Go's escapes and Unicode printability.
std::string GoQuote(std::string_view s, bool ascii_only = false);
/// strconv.QuoteRune / QuoteRuneToASCII.
std::string GoQuoteRune(std::int64_t r, bool ascii_only = false);
/// Decodes one UTF-8 rune at s[pos] like Go (invalid bytes: U+FFFD, width 1).
int DecodeRune(std::string_view s, std::size_t pos, std::size_t* width);
void AppendUtf8(std::int64_t r, std::string* out);
/// unicode.IsLetter || unicode.IsDigit.
bool IsLetterOrDigit(int r);

/// strconv.ParseFloat(s, 64) with its syntax (underscores, 0x...p, inf/nan) and error texts.
Result<double> ParseFloat(const std::string& s);

/// strconv's underscoreOK: '_' only between digits or after a base prefix.
bool UnderscoreOk(std::string_view s);

/// How an argument is converted before a call (evalArg's target type).
enum class ParamType {
  kAny,     // interface{} or reflect.Value: any value, nil allowed.
  kString,  // string: literal strings or string-typed values only.
};

/// What a function sees while it runs.
struct CallContext {
  const TemplateData* data = nullptr;
};

using FuncImpl = Result<Value> (*)(std::span<const Value> args, const CallContext& ctx);

/// One template function: Go signature (fixed parameters, optional variadic tail) and body.
struct FuncSpec {
  std::string_view name;
  std::vector<ParamType> params;  // For variadic functions the last entry is the element type.
  bool variadic = false;
  FuncImpl impl = nullptr;
  bool short_circuit = false;  // and/or: evaluate arguments lazily.
};

/// The function named `name`: a Go builtin or a Prometheus template function; nullptr if none.
const FuncSpec* FindFunction(std::string_view name);
/// True for Prometheus functions opsagent deliberately does not offer (query, first, ...).
bool IsUnsupportedFunction(std::string_view name);

}  // namespace opsagent::rules::tmpl
