// Template values, Go fmt formatting, builtins and Prometheus's template functions.
#include <arpa/inet.h>
#include <locale.h>
#include <wctype.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "re2/re2.h"
#include "rules/template_internal.h"

namespace opsagent::rules::tmpl {

Value Value::Bool(bool v) {
  Value out;
  out.kind = Kind::kBool;
  out.b = v;
  return out;
}
Value Value::Int(std::int64_t v) {
  Value out;
  out.kind = Kind::kInt;
  out.i = v;
  return out;
}
Value Value::Float(double v) {
  Value out;
  out.kind = Kind::kFloat;
  out.f = v;
  return out;
}
Value Value::String(std::string v) {
  Value out;
  out.kind = Kind::kString;
  out.s = std::move(v);
  return out;
}
Value Value::Map(const Labels* v) {
  Value out;
  out.kind = Kind::kMap;
  out.map = v;
  return out;
}
Value Value::Data(const TemplateData* v) {
  Value out;
  out.kind = Kind::kData;
  out.data = v;
  return out;
}

std::string TypeName(const Value& v) {
  switch (v.kind) {
    case Kind::kInvalid:
      return "<nil>";
    case Kind::kBool:
      return "bool";
    case Kind::kInt:
      return "int";
    case Kind::kUint8:
      return "uint8";
    case Kind::kFloat:
      return "float64";
    case Kind::kString:
      return "string";
    case Kind::kHtml:
      return "template.HTML";
    case Kind::kMap:
      return "map[string]string";
    case Kind::kData:
      return "struct { Labels map[string]string; ExternalLabels map[string]string; "
             "ExternalURL string; Value float64 }";
  }
  return "?";
}

bool IsTrue(const Value& v) {
  switch (v.kind) {
    case Kind::kInvalid:
      return false;
    case Kind::kBool:
      return v.b;
    case Kind::kInt:
    case Kind::kUint8:
      return v.i != 0;
    case Kind::kFloat:
      return v.f != 0;
    case Kind::kString:
    case Kind::kHtml:
      return !v.s.empty();
    case Kind::kMap:
      return !v.map->empty();
    case Kind::kData:
      return true;  // Struct values are always true.
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Unicode and quoting (unicode, unicode/utf8, strconv).

namespace {

// glibc's C.UTF-8 locale carries the Unicode character classes and case mappings Go's unicode
// package provides; without it only ASCII is classified.
locale_t Utf8Locale() {
  static locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return loc;
}

bool IsUnicodeSpace(int r) {
  return r == 0x85 || r == 0xA0 || r == 0x1680 || (r >= 0x2000 && r <= 0x200A) || r == 0x2028 ||
         r == 0x2029 || r == 0x202F || r == 0x205F || r == 0x3000;
}

// unicode.IsPrint: graphic runes and U+0020 only.
bool IsPrintRune(int r) {
  if (r < 0x80) return r >= 0x20 && r < 0x7F;
  if (IsUnicodeSpace(r) || r == 0xFEFF || r == 0xAD) return false;
  locale_t loc = Utf8Locale();
  return loc != nullptr && iswprint_l(static_cast<wint_t>(r), loc);
}

int MapRune(int r, bool upper) {
  if (r < 0x80) return upper ? std::toupper(r) : std::tolower(r);
  locale_t loc = Utf8Locale();
  if (loc == nullptr) return r;
  return static_cast<int>(upper ? towupper_l(static_cast<wint_t>(r), loc)
                                : towlower_l(static_cast<wint_t>(r), loc));
}

void AppendEscapedRune(int r, char quote, bool ascii_only, std::string* out) {
  if (r == quote || r == '\\') {
    *out += '\\';
    *out += static_cast<char>(r);
    return;
  }
  if (ascii_only ? (r < 0x80 && IsPrintRune(r)) : IsPrintRune(r)) {
    AppendUtf8(r, out);
    return;
  }
  static constexpr std::pair<int, const char*> kEscapes[] = {
      {'\a', "\\a"}, {'\b', "\\b"}, {'\f', "\\f"}, {'\n', "\\n"},
      {'\r', "\\r"}, {'\t', "\\t"}, {'\v', "\\v"}};
  for (const auto& [c, esc] : kEscapes) {
    if (r == c) {
      *out += esc;
      return;
    }
  }
  char buf[16];
  if (r < ' ' || r == 0x7F) {
    std::snprintf(buf, sizeof(buf), "\\x%02x", r);
  } else {
    if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) r = 0xFFFD;
    std::snprintf(buf, sizeof(buf), r < 0x10000 ? "\\u%04x" : "\\U%08x", r);
  }
  *out += buf;
}

}  // namespace

int DecodeRune(std::string_view s, std::size_t pos, std::size_t* width) {
  auto c = static_cast<unsigned char>(s[pos]);
  *width = 1;
  if (c < 0x80) return c;
  int need = c >= 0xF8 ? -1 : c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 ? 1 : -1;
  if (need < 0 || pos + need >= s.size()) return 0xFFFD;
  int r = c & (0x3F >> need);
  for (int k = 1; k <= need; ++k) {
    auto cc = static_cast<unsigned char>(s[pos + k]);
    if ((cc & 0xC0) != 0x80) return 0xFFFD;
    r = (r << 6) | (cc & 0x3F);
  }
  static constexpr int kMin[] = {0, 0x80, 0x800, 0x10000};
  if (r < kMin[need] || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) return 0xFFFD;
  *width = need + 1;
  return r;
}

void AppendUtf8(std::int64_t r, std::string* out) {
  if (r < 0 || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) r = 0xFFFD;
  if (r < 0x80) {
    *out += static_cast<char>(r);
  } else if (r < 0x800) {
    *out += static_cast<char>(0xC0 | (r >> 6));
    *out += static_cast<char>(0x80 | (r & 0x3F));
  } else if (r < 0x10000) {
    *out += static_cast<char>(0xE0 | (r >> 12));
    *out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (r & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (r >> 18));
    *out += static_cast<char>(0x80 | ((r >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (r & 0x3F));
  }
}

bool IsLetterOrDigit(int r) {
  if (r < 0x80) return std::isalnum(r);
  locale_t loc = Utf8Locale();
  return loc != nullptr && iswalnum_l(static_cast<wint_t>(r), loc);
}

std::string GoQuote(std::string_view s, bool ascii_only) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size();) {
    std::size_t width;
    int r = DecodeRune(s, i, &width);
    if (width == 1 && r == 0xFFFD) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", static_cast<unsigned char>(s[i]));
      out += buf;
    } else {
      AppendEscapedRune(r, '"', ascii_only, &out);
    }
    i += width;
  }
  return out + "\"";
}

std::string GoQuoteRune(std::int64_t r, bool ascii_only) {
  if (r < 0 || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) r = 0xFFFD;
  std::string out = "'";
  AppendEscapedRune(static_cast<int>(r), '\'', ascii_only, &out);
  return out + "'";
}

// ---------------------------------------------------------------------------------------------
// Float formatting (strconv.FormatFloat).

namespace {

// Shortest round-trip decimal digits of |v| (no leading/trailing zeros) and the decimal point
// position: v = 0.DIGITS * 10^dp.
void ShortestDigits(double v, std::string* digits, int* dp) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), std::fabs(v), std::chars_format::scientific);
  std::string_view s(buf, res.ptr - buf);
  std::size_t e = s.find('e');
  int exp = std::atoi(std::string(s.substr(e + 1)).c_str());
  digits->clear();
  for (char c : s.substr(0, e)) {
    if (c != '.') *digits += c;
  }
  while (!digits->empty() && digits->back() == '0') digits->pop_back();
  *dp = digits->empty() ? 0 : exp + 1;  // Zero has no digits, like strconv's decimal.
}

std::string FormatE(bool neg, const std::string& digits, int dp, int prec, char e) {
  std::string out = neg ? "-" : "";
  out += digits.empty() ? '0' : digits[0];
  if (prec > 0) {
    out += '.';
    for (int i = 1; i <= prec; ++i) {
      out += i < static_cast<int>(digits.size()) ? digits[i] : '0';
    }
  }
  out += e;
  int exp = digits.empty() ? 0 : dp - 1;
  out += exp < 0 ? '-' : '+';
  exp = std::abs(exp);
  if (exp < 10) out += '0';
  out += std::to_string(exp);
  return out;
}

std::string FormatF(bool neg, const std::string& digits, int dp, int prec) {
  std::string out = neg ? "-" : "";
  if (dp > 0) {
    for (int i = 0; i < dp; ++i) out += i < static_cast<int>(digits.size()) ? digits[i] : '0';
  } else {
    out += '0';
  }
  if (prec > 0) {
    out += '.';
    for (int i = 0; i < prec; ++i) {
      int j = dp + i;
      out += j >= 0 && j < static_cast<int>(digits.size()) ? digits[j] : '0';
    }
  }
  return out;
}

// Exponent digits of %x: at least two.
std::string HexExponent(int exp, char p) {
  std::string out(1, p);
  out += exp < 0 ? '-' : '+';
  exp = std::abs(exp);
  if (exp < 10) out += '0';
  return out + std::to_string(exp);
}

// strconv's 'b' (mantissa p exponent) and 'x'/'X' (hexadecimal mantissa) formats.
std::string FormatBinary(double v, char fmt, int prec) {
  std::uint64_t bits;
  std::memcpy(&bits, &v, sizeof(bits));
  bool neg = bits >> 63;
  int exp = static_cast<int>((bits >> 52) & 0x7FF);
  std::uint64_t mant = bits & ((std::uint64_t{1} << 52) - 1);
  if (exp == 0) {
    ++exp;
  } else {
    mant |= std::uint64_t{1} << 52;
  }
  exp -= 1023;
  std::string out = neg ? "-" : "";
  if (fmt == 'b') {
    exp -= 52;
    return out + std::to_string(mant) + "p" + (exp >= 0 ? "+" : "") + std::to_string(exp);
  }
  if (mant == 0) exp = 0;
  mant <<= 8;  // Leading 1 at bit 60.
  while (mant != 0 && (mant & (std::uint64_t{1} << 60)) == 0) {
    mant <<= 1;
    --exp;
  }
  if (prec >= 0 && prec < 15) {
    unsigned shift = prec * 4;
    std::uint64_t extra = (mant << shift) & ((std::uint64_t{1} << 60) - 1);
    mant >>= 60 - shift;
    if ((extra | (mant & 1)) > (std::uint64_t{1} << 59)) ++mant;
    mant <<= 60 - shift;
    if (mant & (std::uint64_t{1} << 61)) {
      mant >>= 1;
      ++exp;
    }
  }
  const char* hex = fmt == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  out += '0';
  out += fmt;
  out += static_cast<char>('0' + ((mant >> 60) & 1));
  mant <<= 4;
  if (prec < 0 && mant != 0) {
    out += '.';
    for (; mant != 0; mant <<= 4) out += hex[(mant >> 60) & 15];
  } else if (prec > 0) {
    out += '.';
    for (int i = 0; i < prec; ++i, mant <<= 4) out += hex[(mant >> 60) & 15];
  }
  return out + HexExponent(exp, fmt == 'X' ? 'P' : 'p');
}

}  // namespace

std::string FormatFloat(double v, char fmt, int prec) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  bool neg = std::signbit(v);
  if (fmt == 'b' || fmt == 'x' || fmt == 'X') return FormatBinary(v, fmt, prec);
  if (prec < 0) {
    std::string digits;
    int dp;
    ShortestDigits(v, &digits, &dp);
    int nd = static_cast<int>(digits.size());
    switch (fmt) {
      case 'e':
      case 'E':
        return FormatE(neg, digits, dp, nd - 1, fmt);
      case 'f':
        return FormatF(neg, digits, dp, std::max(nd - dp, 0));
      default: {
        int exp = dp - 1;
        if (exp < -4 || exp >= 6) return FormatE(neg, digits, dp, nd - 1, fmt == 'G' ? 'E' : 'e');
        return FormatF(neg, digits, dp, std::max(nd - dp, 0));
      }
    }
  }
  // With an explicit precision C's printf rounds exactly like strconv (correctly, half-even on
  // exact ties) and uses the same exponent format.
  char spec[8] = {'%', '.', '*', fmt, 0};
  char buf[512];
  int n = std::snprintf(buf, sizeof(buf), spec, std::min(prec, 400), v);
  if (n < 0) return "";
  if (n < static_cast<int>(sizeof(buf))) return std::string(buf, n);
  std::string big(n + 1, '\0');
  std::snprintf(big.data(), big.size(), spec, std::min(prec, 400), v);
  big.resize(n);
  return big;
}

// ---------------------------------------------------------------------------------------------
// fmt: Sprint, Sprintf.

namespace {

struct FmtFlags {
  bool minus = false;
  bool plus = false;
  bool sharp = false;
  bool space = false;
  bool zero = false;
  bool sharp_v = false;  // %#v: Go syntax.
  bool plus_v = false;   // %+v: struct field names.
  bool wid_present = false;
  bool prec_present = false;
  int wid = 0;
  int prec = 0;
};

std::size_t RuneCount(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// fmt.pad: width padding with spaces (or zeros when the 0 flag is set), left or right.
void Pad(const FmtFlags& f, std::string_view s, std::string* out) {
  if (!f.wid_present || f.wid == 0) {
    *out += s;
    return;
  }
  std::size_t n = RuneCount(s);
  std::string padding;
  if (static_cast<std::size_t>(f.wid) > n) padding.assign(f.wid - n, f.zero ? '0' : ' ');
  if (f.minus) {
    *out += s;
    *out += padding;
  } else {
    *out += padding;
    *out += s;
  }
}

void FmtInteger(const FmtFlags& flags, std::uint64_t u, bool negative, int base, char verb,
                std::string* out) {
  FmtFlags f = flags;
  int prec = 0;
  if (f.prec_present) {
    prec = f.prec;
    if (prec == 0 && u == 0) {
      f.zero = false;
      Pad(f, "", out);
      return;
    }
  } else if (f.zero && f.wid_present) {
    prec = f.wid;
    if (negative || f.plus || f.space) --prec;
  }
  static constexpr char kLower[] = "0123456789abcdefx";
  static constexpr char kUpper[] = "0123456789ABCDEFX";
  const char* digits = verb == 'X' ? kUpper : kLower;
  std::string num;
  do {
    num += digits[u % base];
    u /= base;
  } while (u != 0);
  while (static_cast<int>(num.size()) < prec) num += '0';
  if (f.sharp) {
    if (base == 2) num += "b0";
    if (base == 8 && num.back() != '0') num += '0';
    if (base == 16) num += std::string(1, digits[16]) + "0";
  }
  if (verb == 'O') num += "o0";
  if (negative) {
    num += '-';
  } else if (f.plus) {
    num += '+';
  } else if (f.space) {
    num += ' ';
  }
  std::reverse(num.begin(), num.end());
  f.zero = false;
  Pad(f, num, out);
}

// The '#' flag: always a decimal point, and %g/%v keep trailing zeros up to the precision.
std::string SharpFloat(std::string num, char verb, int prec) {
  int digits = 0;
  if (verb == 'v' || verb == 'g' || verb == 'G' || verb == 'x') digits = prec == -1 ? 6 : prec;
  std::string tail;
  bool has_point = false;
  bool saw_nonzero = false;
  for (std::size_t i = 1; i < num.size(); ++i) {
    char c = num[i];
    if (c == '.') {
      has_point = true;
    } else if (c == 'p' || c == 'P' || ((c == 'e' || c == 'E') && verb != 'x' && verb != 'X')) {
      tail = num.substr(i);
      num.resize(i);
      break;
    } else {
      if (c != '0') saw_nonzero = true;
      if (saw_nonzero) --digits;
    }
  }
  if (!has_point) {
    if (num.size() == 2 && num[1] == '0') --digits;
    num += '.';
  }
  for (; digits > 0; --digits) num += '0';
  return num + tail;
}

void FmtFloat(const FmtFlags& flags, double v, char verb, int prec, std::string* out) {
  FmtFlags f = flags;
  if (f.prec_present) prec = f.prec;
  std::string num = FormatFloat(v, verb, prec);
  if (num[0] != '-' && num[0] != '+') num.insert(num.begin(), '+');
  if (f.space && num[0] == '+' && !f.plus) num[0] = ' ';
  if (num[1] == 'I' || num[1] == 'N') {
    f.zero = false;
    if (num[1] == 'N' && !f.space && !f.plus) num.erase(0, 1);
    Pad(f, num, out);
    return;
  }
  if (f.sharp && verb != 'b') num = SharpFloat(num, verb, prec);
  if (f.plus || num[0] != '+') {
    if (f.zero && f.wid_present && f.wid > static_cast<int>(num.size())) {
      *out += num[0];
      out->append(f.wid - num.size(), '0');
      out->append(num, 1);
      return;
    }
    Pad(f, num, out);
    return;
  }
  Pad(f, std::string_view(num).substr(1), out);
}

std::string TruncateRunes(std::string_view s, const FmtFlags& f) {
  if (!f.prec_present) return std::string(s);
  std::size_t i = 0;
  for (int n = 0; i < s.size() && n < f.prec; ++n) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
  }
  return std::string(s.substr(0, i));
}

void FmtHex(const FmtFlags& f, std::string_view s, char verb, std::string* out) {
  const char* digits = verb == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  std::size_t n = f.prec_present ? std::min<std::size_t>(f.prec, s.size()) : s.size();
  std::string hex;
  for (std::size_t i = 0; i < n; ++i) {
    if (f.space && i > 0) hex += ' ';
    if (f.sharp && (f.space || i == 0)) hex += verb == 'X' ? "0X" : "0x";
    auto c = static_cast<unsigned char>(s[i]);
    hex += digits[c >> 4];
    hex += digits[c & 0xF];
  }
  Pad(f, hex, out);
}

void PrintArg(const Value& v, int verb, const FmtFlags& f, std::string* out);

void BadVerb(const Value& v, int verb, const FmtFlags& f, std::string* out) {
  *out += "%!";
  AppendUtf8(verb, out);
  *out += '(';
  if (v.kind == Kind::kInvalid) {
    *out += "<nil>";
  } else {
    *out += TypeName(v);
    *out += '=';
    PrintArg(v, 'v', f, out);
  }
  *out += ')';
}

void PrintMap(const Value& v, int verb, const FmtFlags& f, std::string* out) {
  *out += f.sharp_v ? "map[string]string{" : "map[";
  bool first = true;
  for (const Label& label : *v.map) {
    if (!first) *out += f.sharp_v ? ", " : " ";
    first = false;
    PrintArg(Value::String(label.name), verb, f, out);
    *out += ':';
    PrintArg(Value::String(label.value), verb, f, out);
  }
  *out += f.sharp_v ? '}' : ']';
}

void PrintData(const Value& v, int verb, const FmtFlags& f, std::string* out) {
  const TemplateData& d = *v.data;
  bool names = f.sharp_v || f.plus_v;
  if (f.sharp_v) *out += TypeName(v);
  *out += '{';
  const char* sep = f.sharp_v ? ", " : " ";
  *out += names ? "Labels:" : "";
  PrintArg(Value::Map(&d.labels), verb, f, out);
  *out += sep;
  *out += names ? "ExternalLabels:" : "";
  PrintArg(Value::Map(&d.external_labels), verb, f, out);
  *out += sep;
  *out += names ? "ExternalURL:" : "";
  PrintArg(Value::String(d.external_url), verb, f, out);
  *out += sep;
  *out += names ? "Value:" : "";
  PrintArg(Value::Float(d.value), verb, f, out);
  *out += '}';
}

// %U: "U+0061", at least `precision` (default 4) hex digits; %#U appends the quoted rune.
void FmtUnicode(const FmtFlags& flags, std::uint64_t u, std::string* out) {
  char hex[32];
  std::snprintf(hex, sizeof(hex), "%llX", static_cast<unsigned long long>(u));
  std::string digits = hex;
  int prec = flags.prec_present && flags.prec > 4 ? flags.prec : 4;
  if (static_cast<int>(digits.size()) < prec) digits.insert(0, prec - digits.size(), '0');
  std::string s = "U+" + digits;
  if (flags.sharp && u <= 0x10FFFF && IsPrintRune(static_cast<int>(u))) {
    s += " '";
    AppendUtf8(static_cast<std::int64_t>(u), &s);
    s += "'";
  }
  FmtFlags f = flags;
  f.zero = false;
  Pad(f, s, out);
}

void PrintInt(const Value& v, int verb, const FmtFlags& f, std::string* out) {
  bool negative = v.kind == Kind::kInt && v.i < 0;
  std::uint64_t u =
      negative ? 0 - static_cast<std::uint64_t>(v.i) : static_cast<std::uint64_t>(v.i);
  if (verb == 'v' && f.sharp_v && v.kind == Kind::kUint8) {
    FmtFlags hex = f;
    hex.sharp = true;
    return FmtInteger(hex, u, false, 16, 'x', out);
  }
  switch (verb) {
    case 'v':
    case 'd':
      return FmtInteger(f, u, negative, 10, verb, out);
    case 'b':
      return FmtInteger(f, u, negative, 2, verb, out);
    case 'o':
    case 'O':
      return FmtInteger(f, u, negative, 8, verb, out);
    case 'x':
    case 'X':
      return FmtInteger(f, u, negative, 16, verb, out);
    case 'c': {
      std::string s;
      std::int64_t r = v.i;
      if (r < 0 || r > 0x10FFFF) r = 0xFFFD;
      Value str = Value::String("");
      char buf[8];
      int n = 0;
      if (r < 0x80) {
        buf[n++] = static_cast<char>(r);
      } else if (r < 0x800) {
        buf[n++] = static_cast<char>(0xC0 | (r >> 6));
        buf[n++] = static_cast<char>(0x80 | (r & 0x3F));
      } else if (r < 0x10000) {
        buf[n++] = static_cast<char>(0xE0 | (r >> 12));
        buf[n++] = static_cast<char>(0x80 | ((r >> 6) & 0x3F));
        buf[n++] = static_cast<char>(0x80 | (r & 0x3F));
      } else {
        buf[n++] = static_cast<char>(0xF0 | (r >> 18));
        buf[n++] = static_cast<char>(0x80 | ((r >> 12) & 0x3F));
        buf[n++] = static_cast<char>(0x80 | ((r >> 6) & 0x3F));
        buf[n++] = static_cast<char>(0x80 | (r & 0x3F));
      }
      return Pad(f, std::string_view(buf, n), out);
    }
    case 'q':
      return Pad(f, GoQuoteRune(v.i, f.plus), out);
    case 'U':
      return FmtUnicode(f, static_cast<std::uint64_t>(v.i), out);
    default:
      return BadVerb(v, verb, f, out);
  }
}

// strconv.CanBackquote: %#q prefers a raw string when the text allows one.
bool CanBackquote(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    std::size_t width;
    int r = DecodeRune(s, i, &width);
    if (width == 1 && r == 0xFFFD) return false;
    if (r == '`' || r == 0xFEFF || (r < ' ' && r != '\t') || r == 0x7F) return false;
    i += width;
  }
  return true;
}

std::string QuoteString(std::string_view s, const FmtFlags& f) {
  if (f.sharp && CanBackquote(s)) return "`" + std::string(s) + "`";
  return GoQuote(s, f.plus);
}

void PrintString(const Value& v, int verb, const FmtFlags& f, std::string* out) {
  if (verb == 'v' && f.sharp_v) return Pad(f, GoQuote(TruncateRunes(v.s, f)), out);
  switch (verb) {
    case 'v':
    case 's':
      return Pad(f, TruncateRunes(v.s, f), out);
    case 'q':
      return Pad(f, QuoteString(TruncateRunes(v.s, f), f), out);
    case 'x':
    case 'X':
      return FmtHex(f, v.s, verb, out);
    default:
      return BadVerb(v, verb, f, out);
  }
}

void PrintArg(const Value& v, int verb, const FmtFlags& f, std::string* out) {
  if (v.kind == Kind::kInvalid) {
    if (verb == 'v' || verb == 'T') return Pad(f, "<nil>", out);
    return BadVerb(v, verb, f, out);
  }
  if (verb == 'T') return Pad(f, TruncateRunes(TypeName(v), f), out);
  switch (v.kind) {
    case Kind::kBool:
      if (verb == 't' || verb == 'v') return Pad(f, v.b ? "true" : "false", out);
      return BadVerb(v, verb, f, out);
    case Kind::kInt:
    case Kind::kUint8:
      return PrintInt(v, verb, f, out);
    case Kind::kFloat:
      switch (verb) {
        case 'v':
          return FmtFloat(f, v.f, 'g', -1, out);
        case 'b':
        case 'g':
        case 'G':
        case 'x':
        case 'X':
          return FmtFloat(f, v.f, verb, -1, out);
        case 'f':
        case 'e':
        case 'E':
        case 'F':
          return FmtFloat(f, v.f, verb == 'F' ? 'f' : verb, 6, out);
        default:
          return BadVerb(v, verb, f, out);
      }
    case Kind::kString:
    case Kind::kHtml:
      return PrintString(v, verb, f, out);
    case Kind::kMap:
      return PrintMap(v, verb, f, out);
    case Kind::kData:
      return PrintData(v, verb, f, out);
    case Kind::kInvalid:
      break;
  }
}

bool TooLarge(std::int64_t x) { return x > 1000000 || x < -1000000; }

// fmt's parsenum: digits at format[*i]; an absurdly long number consumes the rest.
bool ParseNum(std::string_view format, std::size_t* i, int* num) {
  *num = 0;
  bool found = false;
  for (; *i < format.size() && format[*i] >= '0' && format[*i] <= '9'; ++*i) {
    if (TooLarge(*num)) {
      *i = format.size();
      *num = 0;
      return false;
    }
    *num = *num * 10 + (format[*i] - '0');
    found = true;
  }
  return found;
}

// A '*' width or precision: the next argument, which must be an int within 1e6.
bool IntFromArg(std::span<const Value> args, std::size_t* argnum, int* num) {
  *num = 0;
  if (*argnum >= args.size()) return false;
  const Value& a = args[(*argnum)++];
  if ((a.kind != Kind::kInt && a.kind != Kind::kUint8) || TooLarge(a.i)) return false;
  *num = static_cast<int>(a.i);
  return true;
}

// State of one fmt.Sprintf call (Go's pp.doPrintf).
class Printer {
 public:
  Printer(std::string_view format, std::span<const Value> args) : format_(format), args_(args) {}

  std::string Run() {
    while (i_ < format_.size()) {
      std::size_t pct = format_.find('%', i_);
      if (pct == std::string_view::npos) pct = format_.size();
      out_.append(format_.substr(i_, pct - i_));
      i_ = pct;
      if (i_ >= format_.size()) break;
      ++i_;
      if (!Directive()) break;
    }
    if (!reordered_ && argnum_ < args_.size()) AppendExtra();
    return std::move(out_);
  }

 private:
  // An explicit argument index "[n]" (1-based) at the current position.
  bool ArgNumber() {
    if (i_ >= format_.size() || format_[i_] != '[') return false;
    reordered_ = true;
    std::size_t close = format_.find(']', i_ + 1);
    if (format_.size() - i_ < 3 || close == std::string_view::npos) {
      ++i_;
      good_argnum_ = false;
      return false;
    }
    std::size_t j = i_ + 1;
    int index = 0;
    bool ok = ParseNum(format_.substr(0, close), &j, &index) && j == close;
    i_ = close + 1;
    if (ok && index >= 1 && static_cast<std::size_t>(index) <= args_.size()) {
      argnum_ = index - 1;
      return true;
    }
    good_argnum_ = false;
    return ok;
  }

  void ParseFlags(FmtFlags* f) {
    for (; i_ < format_.size(); ++i_) {
      switch (format_[i_]) {
        case '#':
          f->sharp = true;
          break;
        case '0':
          f->zero = !f->minus;
          break;
        case '+':
          f->plus = true;
          break;
        case '-':
          f->minus = true;
          f->zero = false;
          break;
        case ' ':
          f->space = true;
          break;
        default:
          return;
      }
    }
  }

  bool ParseWidth(FmtFlags* f, bool after_index) {
    if (i_ < format_.size() && format_[i_] == '*') {
      ++i_;
      f->wid_present = IntFromArg(args_, &argnum_, &f->wid);
      if (!f->wid_present) out_ += "%!(BADWIDTH)";
      if (f->wid < 0) {
        f->wid = -f->wid;
        f->minus = true;
        f->zero = false;
      }
      return false;
    }
    f->wid_present = ParseNum(format_, &i_, &f->wid);
    if (after_index && f->wid_present) good_argnum_ = false;  // "%[3]2d"
    return after_index;
  }

  bool ParsePrecision(FmtFlags* f, bool after_index) {
    if (i_ + 1 >= format_.size() || format_[i_] != '.') return after_index;
    ++i_;
    if (after_index) good_argnum_ = false;  // "%[3].2d"
    after_index = ArgNumber();
    if (i_ < format_.size() && format_[i_] == '*') {
      ++i_;
      f->prec_present = IntFromArg(args_, &argnum_, &f->prec);
      if (f->prec < 0) {
        f->prec = 0;
        f->prec_present = false;
      }
      if (!f->prec_present) out_ += "%!(BADPREC)";
      return false;
    }
    if (!ParseNum(format_, &i_, &f->prec)) f->prec = 0;
    f->prec_present = true;
    return after_index;
  }

  // One '%' directive; false when the format ended without a verb.
  bool Directive() {
    FmtFlags f;
    good_argnum_ = true;
    ParseFlags(&f);
    bool after_index = ArgNumber();
    after_index = ParseWidth(&f, after_index);
    after_index = ParsePrecision(&f, after_index);
    if (!after_index) ArgNumber();
    if (i_ >= format_.size()) {
      out_ += "%!(NOVERB)";
      return false;
    }
    std::size_t width;
    int verb = DecodeRune(format_, i_, &width);
    i_ += width;
    std::string verb_text;
    AppendUtf8(verb, &verb_text);
    if (verb == '%') {
      out_ += '%';
    } else if (!good_argnum_) {
      out_ += "%!" + verb_text + "(BADINDEX)";
    } else if (argnum_ >= args_.size()) {
      out_ += "%!" + verb_text + "(MISSING)";
    } else {
      if (verb == 'w' || verb == 'v') {
        verb = 'v';
        f.sharp_v = f.sharp;
        f.plus_v = f.plus;
        f.sharp = f.plus = false;
      }
      PrintArg(args_[argnum_++], verb, f, &out_);
    }
    return true;
  }

  void AppendExtra() {
    out_ += "%!(EXTRA ";
    for (std::size_t k = argnum_; k < args_.size(); ++k) {
      if (k > argnum_) out_ += ", ";
      if (args_[k].kind == Kind::kInvalid) {
        out_ += "<nil>";
      } else {
        out_ += TypeName(args_[k]) + "=";
        PrintArg(args_[k], 'v', FmtFlags{}, &out_);
      }
    }
    out_ += ')';
  }

  std::string_view format_;
  std::span<const Value> args_;
  std::string out_;
  std::size_t i_ = 0;
  std::size_t argnum_ = 0;
  bool reordered_ = false;
  bool good_argnum_ = true;
};

}  // namespace

std::string FormatValue(const Value& v, std::string_view invalid_text) {
  if (v.kind == Kind::kInvalid) return std::string(invalid_text);
  std::string out;
  PrintArg(v, 'v', FmtFlags{}, &out);
  return out;
}

std::string Sprint(std::span<const Value> args) {
  std::string out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    bool is_string = args[i].IsString();
    if (i > 0 && !is_string && !args[i - 1].IsString()) out += ' ';
    out += FormatValue(args[i]);
  }
  return out;
}

std::string Sprintln(std::span<const Value> args) {
  std::string out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out += ' ';
    out += FormatValue(args[i]);
  }
  return out + "\n";
}

std::string Sprintf(std::string_view format, std::span<const Value> args) {
  return Printer(format, args).Run();
}

// ---------------------------------------------------------------------------------------------
// Builtins (Go text/template/funcs.go).

namespace {

enum class BasicKind { kInvalid, kBool, kInt, kFloat, kString };

BasicKind BasicKindOf(const Value& v) {
  switch (v.kind) {
    case Kind::kBool:
      return BasicKind::kBool;
    case Kind::kInt:
    case Kind::kUint8:
      return BasicKind::kInt;
    case Kind::kFloat:
      return BasicKind::kFloat;
    case Kind::kString:
    case Kind::kHtml:
      return BasicKind::kString;
    default:
      return BasicKind::kInvalid;
  }
}

const Error kBadComparison{"incompatible types for comparison"};
const Error kBadComparisonType{"invalid type for comparison"};

Result<Value> BuiltinNot(std::span<const Value> args, const CallContext&) {
  return Value::Bool(!IsTrue(args[0]));
}

Result<bool> Eq(const Value& a, std::span<const Value> others) {
  if (others.empty()) return Error{"missing argument for comparison"};
  BasicKind k1 = BasicKindOf(a);
  for (const Value& b : others) {
    BasicKind k2 = BasicKindOf(b);
    bool truth = false;
    if (k1 != k2) {
      if (a.kind != Kind::kInvalid && b.kind != Kind::kInvalid) return kBadComparison;
    } else {
      switch (k1) {
        case BasicKind::kBool:
          truth = a.b == b.b;
          break;
        case BasicKind::kInt:
          truth = a.i == b.i;
          break;
        case BasicKind::kFloat:
          truth = a.f == b.f;
          break;
        case BasicKind::kString:
          truth = a.s == b.s;
          break;
        case BasicKind::kInvalid:
          if (a.kind == Kind::kInvalid || b.kind == Kind::kInvalid) {
            truth = a.kind == b.kind;
          } else if (a.kind != b.kind) {
            return Error{"non-comparable types " + FormatValue(a) + ": " + TypeName(a) + ", " +
                         TypeName(b) + ": " + FormatValue(b)};
          } else if (b.kind == Kind::kMap) {
            return Error{"non-comparable type " + FormatValue(b) + ": " + TypeName(b)};
          } else {
            truth = a.data == b.data;
          }
          break;
      }
    }
    if (truth) return true;
  }
  return false;
}

Result<bool> Lt(const Value& a, const Value& b) {
  BasicKind k1 = BasicKindOf(a);
  if (k1 == BasicKind::kInvalid) return kBadComparisonType;
  BasicKind k2 = BasicKindOf(b);
  if (k2 == BasicKind::kInvalid) return kBadComparisonType;
  if (k1 != k2) return kBadComparison;
  switch (k1) {
    case BasicKind::kBool:
      return kBadComparisonType;
    case BasicKind::kInt:
      return a.i < b.i;
    case BasicKind::kFloat:
      return a.f < b.f;
    case BasicKind::kString:
      return a.s < b.s;
    default:
      return kBadComparisonType;
  }
}

Result<Value> BuiltinEq(std::span<const Value> args, const CallContext&) {
  Result<bool> r = Eq(args[0], args.subspan(1));
  if (!r.ok()) return r.error();
  return Value::Bool(*r);
}

Result<Value> BuiltinNe(std::span<const Value> args, const CallContext&) {
  Result<bool> r = Eq(args[0], args.subspan(1));
  if (!r.ok()) return r.error();
  return Value::Bool(!*r);
}

Result<Value> BuiltinLt(std::span<const Value> args, const CallContext&) {
  Result<bool> r = Lt(args[0], args[1]);
  if (!r.ok()) return r.error();
  return Value::Bool(*r);
}

Result<Value> BuiltinLe(std::span<const Value> args, const CallContext&) {
  Result<bool> lt = Lt(args[0], args[1]);
  if (!lt.ok()) return lt.error();
  if (*lt) return Value::Bool(true);
  Result<bool> eq = Eq(args[0], args.subspan(1));
  if (!eq.ok()) return eq.error();
  return Value::Bool(*eq);
}

Result<Value> BuiltinGt(std::span<const Value> args, const CallContext& ctx) {
  Result<Value> le = BuiltinLe(args, ctx);
  if (!le.ok()) return le;
  return Value::Bool(!le->b);
}

Result<Value> BuiltinGe(std::span<const Value> args, const CallContext&) {
  Result<bool> lt = Lt(args[0], args[1]);
  if (!lt.ok()) return lt.error();
  return Value::Bool(!*lt);
}

Result<Value> BuiltinLen(std::span<const Value> args, const CallContext&) {
  const Value& v = args[0];
  if (v.kind == Kind::kInvalid) return Error{"len of nil pointer"};
  if (v.IsString()) return Value::Int(static_cast<std::int64_t>(v.s.size()));
  if (v.kind == Kind::kMap) return Value::Int(static_cast<std::int64_t>(v.map->size()));
  return Error{"len of type " + TypeName(v)};
}

Result<Value> BuiltinIndex(std::span<const Value> args, const CallContext&) {
  Value item = args[0];
  if (item.kind == Kind::kInvalid) return Error{"index of untyped nil"};
  for (const Value& index : args.subspan(1)) {
    if (item.kind == Kind::kMap) {
      if (index.kind == Kind::kInvalid) return Error{"value is nil; should be of type string"};
      if (index.kind != Kind::kString) {
        return Error{"value has type " + TypeName(index) + "; should be string"};
      }
      item = Value::String(std::string(item.map->Get(index.s)));
    } else if (item.IsString()) {
      if (index.kind == Kind::kInvalid) return Error{"cannot index slice/array with nil"};
      if (index.kind != Kind::kInt && index.kind != Kind::kUint8) {
        return Error{"cannot index slice/array with type " + TypeName(index)};
      }
      auto size = static_cast<std::int64_t>(item.s.size());
      if (index.i < 0 || index.i > size) {
        return Error{"index out of range: " + std::to_string(index.i)};
      }
      // Go checks `> len` and then lets reflect panic on `== len`.
      if (index.i == size) return Error{"reflect: string index out of range"};
      Value byte;
      byte.kind = Kind::kUint8;
      byte.i = static_cast<unsigned char>(item.s[index.i]);
      item = byte;
    } else {
      return Error{"can't index item of type " + TypeName(item)};
    }
  }
  return item;
}

Result<Value> BuiltinPrint(std::span<const Value> args, const CallContext&) {
  return Value::String(Sprint(args));
}

Result<Value> BuiltinPrintln(std::span<const Value> args, const CallContext&) {
  return Value::String(Sprintln(args));
}

Result<Value> BuiltinPrintf(std::span<const Value> args, const CallContext&) {
  return Value::String(Sprintf(args[0].s, args.subspan(1)));
}

// html/urlquery format their arguments like print unless given exactly one string.
std::string EvalArgs(std::span<const Value> args) {
  if (args.size() == 1 && args[0].kind == Kind::kString) return args[0].s;
  std::vector<Value> printable(args.begin(), args.end());
  return Sprint(printable);
}

Result<Value> BuiltinHtml(std::span<const Value> args, const CallContext&) {
  std::string out;
  for (char c : EvalArgs(args)) {
    switch (c) {
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '\0':
        out += "\xEF\xBF\xBD";
        break;
      default:
        out += c;
    }
  }
  return Value::String(out);
}

// url.QueryEscape.
std::string QueryEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else if (c == ' ') {
      out += '+';
    } else {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%%%02X", u);
      out += buf;
    }
  }
  return out;
}

Result<Value> BuiltinUrlquery(std::span<const Value> args, const CallContext&) {
  return Value::String(QueryEscape(EvalArgs(args)));
}

// ---------------------------------------------------------------------------------------------
// Prometheus template functions (template/template.go, 2.42).

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool EqualFoldAscii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != b[i]) return false;
  }
  return true;
}

// strconv's underscoreOK: '_' only between digits (a base prefix counts as a digit).
bool GoUnderscoreOk(std::string_view s) {
  char saw = '^';
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  bool hex = false;
  std::size_t i = 0;
  if (s.size() >= 2 && s[0] == '0' &&
      (Lower(s[1]) == 'b' || Lower(s[1]) == 'o' || Lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = Lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    char c = Lower(s[i]);
    if ((c >= '0' && c <= '9') || (hex && c >= 'a' && c <= 'f')) {
      saw = '0';
    } else if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
    } else {
      if (saw == '_') return false;
      saw = '!';
    }
  }
  return saw != '_';
}

// strconv.readFloat's syntax: sign, decimal or 0x mantissa (hex needs a p exponent), '_'
// separators. Returns the text without underscores for strtod, or nullopt.
std::optional<std::string> FloatSyntax(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  bool hex = s.size() >= i + 2 && s[i] == '0' && Lower(s[i + 1]) == 'x';
  if (hex) i += 2;
  auto is_digit = [&](char c) {
    c = Lower(c);
    return (c >= '0' && c <= '9') || (hex && c >= 'a' && c <= 'f');
  };
  bool digits = false;
  bool dot = false;
  bool underscores = false;
  for (; i < s.size(); ++i) {
    if (s[i] == '_') {
      underscores = true;
    } else if (s[i] == '.' && !dot) {
      dot = true;
    } else if (is_digit(s[i])) {
      digits = true;
    } else {
      break;
    }
  }
  if (!digits) return std::nullopt;
  if (i < s.size() && Lower(s[i]) == (hex ? 'p' : 'e')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    bool exp_digits = false;
    for (; i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'); ++i) {
      underscores |= s[i] == '_';
      exp_digits |= s[i] != '_';
    }
    if (!exp_digits) return std::nullopt;
  } else if (hex) {
    return std::nullopt;
  }
  if (i != s.size() || (underscores && !GoUnderscoreOk(s))) return std::nullopt;
  std::string clean;
  for (char c : s) {
    if (c != '_') clean += c;
  }
  return clean;
}

// strconv.ParseFloat(s, 64), with its error texts.
Result<double> GoParseFloat(const std::string& s) {
  std::string_view body = s;
  bool neg = false;
  bool sign = !body.empty() && (body[0] == '+' || body[0] == '-');
  if (sign) {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (EqualFoldAscii(body, "inf") || EqualFoldAscii(body, "infinity")) {
    return neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  }
  if (!sign && EqualFoldAscii(body, "nan")) return std::numeric_limits<double>::quiet_NaN();
  std::optional<std::string> clean = FloatSyntax(s);
  if (!clean) return Error{"strconv.ParseFloat: parsing " + GoQuote(s) + ": invalid syntax"};
  errno = 0;
  double v = std::strtod(clean->c_str(), nullptr);
  if (errno == ERANGE && std::isinf(v)) {
    return Error{"strconv.ParseFloat: parsing " + GoQuote(s) + ": value out of range"};
  }
  return v;
}

// convertToFloat: float64, numeric strings and ints are accepted.
Result<double> ConvertToFloat(const Value& v) {
  switch (v.kind) {
    case Kind::kFloat:
      return v.f;
    case Kind::kString:
      return GoParseFloat(v.s);
    case Kind::kInt:
      return static_cast<double>(v.i);
    case Kind::kInvalid:
      return Error{"can't convert <nil> to float"};
    default:
      return Error{"can't convert " + TypeName(v) + " to float"};
  }
}

// Go's int64(f) on amd64: truncation, and the minimum int64 for NaN and out-of-range values
// (where C++ would have undefined behaviour).
std::int64_t GoInt64(double f) {
  constexpr double kTwo63 = 9223372036854775808.0;
  if (!(f >= -kTwo63 && f < kTwo63)) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(f);
}

std::string G4(double v) { return FormatFloat(v, 'g', 4); }

std::string ScaleDown(double v, double base, const char* const* prefixes) {
  std::string prefix;
  for (int i = 0; prefixes[i] != nullptr; ++i) {
    if (std::fabs(v) < base) break;
    prefix = prefixes[i];
    v /= base;
  }
  return G4(v) + prefix;
}

std::string ScaleUp(double v, const char* suffix) {
  static const char* const kSmall[] = {"m", "u", "n", "p", "f", "a", "z", "y", nullptr};
  std::string prefix;
  for (int i = 0; kSmall[i] != nullptr; ++i) {
    if (std::fabs(v) >= 1) break;
    prefix = kSmall[i];
    v *= 1000;
  }
  return G4(v) + prefix + suffix;
}

Result<Value> Humanize(std::span<const Value> args, const CallContext&) {
  Result<double> f = ConvertToFloat(args[0]);
  if (!f.ok()) return f.error();
  double v = *f;
  if (v == 0 || std::isnan(v) || std::isinf(v)) return Value::String(G4(v));
  static const char* const kBig[] = {"k", "M", "G", "T", "P", "E", "Z", "Y", nullptr};
  if (std::fabs(v) >= 1) return Value::String(ScaleDown(v, 1000, kBig));
  return Value::String(ScaleUp(v, ""));
}

Result<Value> Humanize1024(std::span<const Value> args, const CallContext&) {
  Result<double> f = ConvertToFloat(args[0]);
  if (!f.ok()) return f.error();
  double v = *f;
  if (std::fabs(v) <= 1 || std::isnan(v) || std::isinf(v)) return Value::String(G4(v));
  static const char* const kBin[] = {"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi", nullptr};
  return Value::String(ScaleDown(v, 1024, kBin));
}

Result<Value> HumanizeDuration(std::span<const Value> args, const CallContext&) {
  Result<double> f = ConvertToFloat(args[0]);
  if (!f.ok()) return f.error();
  double v = *f;
  if (std::isnan(v) || std::isinf(v)) return Value::String(G4(v));
  if (v == 0) return Value::String(G4(v) + "s");
  if (std::fabs(v) < 1) return Value::String(ScaleUp(v, "s"));
  std::string sign = v < 0 ? "-" : "";
  v = std::fabs(v);
  std::int64_t duration = GoInt64(v);
  std::int64_t seconds = duration % 60;
  std::int64_t minutes = (duration / 60) % 60;
  std::int64_t hours = (duration / 60 / 60) % 24;
  std::int64_t days = duration / 60 / 60 / 24;
  auto n = [](std::int64_t x) { return std::to_string(x); };
  if (days != 0) {
    return Value::String(sign + n(days) + "d " + n(hours) + "h " + n(minutes) + "m " + n(seconds) +
                         "s");
  }
  if (hours != 0)
    return Value::String(sign + n(hours) + "h " + n(minutes) + "m " + n(seconds) + "s");
  if (minutes != 0) return Value::String(sign + n(minutes) + "m " + n(seconds) + "s");
  return Value::String(sign + G4(v) + "s");
}

Result<Value> HumanizePercentage(std::span<const Value> args, const CallContext&) {
  Result<double> f = ConvertToFloat(args[0]);
  if (!f.ok()) return f.error();
  return Value::String(G4(*f * 100) + "%");
}

// time.Time.String() of a UTC instant given in milliseconds since the epoch.
std::string FormatUtcMillis(std::int64_t ms) {
  std::int64_t secs = ms / 1000;
  std::int64_t frac = ms % 1000;
  if (frac < 0) {
    frac += 1000;
    --secs;
  }
  std::int64_t days = secs / 86400;
  std::int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  // Civil from days (Howard Hinnant's algorithm).
  std::int64_t z = days + 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  std::int64_t doe = z - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = yoe + era * 400;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%s%04lld-%02lld-%02lld %02lld:%02lld:%02lld", y < 0 ? "-" : "",
                static_cast<long long>(y < 0 ? -y : y), static_cast<long long>(m),
                static_cast<long long>(d), static_cast<long long>(rem / 3600),
                static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60));
  std::string out = buf;
  if (frac != 0) {
    char f[8];
    std::snprintf(f, sizeof(f), ".%03lld", static_cast<long long>(frac));
    std::string fs = f;
    while (fs.back() == '0') fs.pop_back();
    out += fs;
  }
  return out + " +0000 UTC";
}

Result<Value> HumanizeTimestamp(std::span<const Value> args, const CallContext&) {
  Result<double> f = ConvertToFloat(args[0]);
  if (!f.ok()) return f.error();
  double v = *f;
  if (std::isnan(v) || std::isinf(v)) return Value::String(G4(v));
  double ns = v * 1e9;
  if (ns > 9.223372036854775807e18 || ns < -9.223372036854775808e18) {
    return Error{FormatValue(Value::Float(v)) +
                 " cannot be represented as a nanoseconds timestamp since it overflows int64"};
  }
  // model.TimeFromUnixNano keeps milliseconds (truncating toward zero).
  std::int64_t ms = GoInt64(ns) / 1000000;
  return Value::String(FormatUtcMillis(ms));
}

std::string MapRunes(std::string_view s, bool upper) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t width;
    int r = DecodeRune(s, i, &width);
    AppendUtf8(MapRune(r, upper), &out);
    i += width;
  }
  return out;
}

Result<Value> ToUpper(std::span<const Value> args, const CallContext&) {
  return Value::String(MapRunes(args[0].s, true));
}

Result<Value> ToLower(std::span<const Value> args, const CallContext&) {
  return Value::String(MapRunes(args[0].s, false));
}

// strings.Title's word boundaries.
bool IsSeparator(int r) {
  if (r < 0x80) return !(std::isalnum(r) || r == '_');
  if (IsLetterOrDigit(r)) return false;
  return IsUnicodeSpace(r);
}

// strings.Title: upper-cases the first letter of each word.
Result<Value> Title(std::span<const Value> args, const CallContext&) {
  const std::string& s = args[0].s;
  std::string out;
  int prev = ' ';
  for (std::size_t i = 0; i < s.size();) {
    std::size_t width;
    int r = DecodeRune(s, i, &width);
    AppendUtf8(IsSeparator(prev) ? MapRune(r, true) : r, &out);
    prev = r;
    i += width;
  }
  return Value::String(out);
}

// regexp's quote(): backquoted when possible.
std::string RegexpQuote(const std::string& s) {
  FmtFlags f;
  f.sharp = true;
  return QuoteString(s, f);
}

// Go's regexp/syntax error texts for RE2's error codes.
std::string RegexpError(const RE2& re) {
  const char* what = "invalid or unsupported Perl syntax";
  switch (re.error_code()) {
    case RE2::ErrorBadEscape:
      what = "invalid escape sequence";
      break;
    case RE2::ErrorBadCharClass:
      what = "invalid character class";
      break;
    case RE2::ErrorBadCharRange:
      what = "invalid character class range";
      break;
    case RE2::ErrorMissingBracket:
      what = "missing closing ]";
      break;
    case RE2::ErrorMissingParen:
      what = "missing closing )";
      break;
    case RE2::ErrorTrailingBackslash:
      what = "trailing backslash at end of expression";
      break;
    case RE2::ErrorRepeatArgument:
      what = "missing argument to repetition operator";
      break;
    case RE2::ErrorRepeatSize:
      what = "invalid repeat count";
      break;
    case RE2::ErrorRepeatOp:
      what = "invalid nested repetition operator";
      break;
    case RE2::ErrorBadUTF8:
      what = "invalid UTF-8";
      break;
    case RE2::ErrorBadNamedCapture:
      what = "invalid named capture";
      break;
    default:
      break;
  }
  return "error parsing regexp: " + std::string(what) + ": `" + re.error_arg() + "`";
}

// Compiled regexps are cached: alert templates use a handful of constant patterns, evaluated
// every cycle. Bounded so that templates built from label values cannot grow it without limit.
std::shared_ptr<const RE2> CompileRegexp(const std::string& pattern) {
  static std::mutex mu;
  static std::unordered_map<std::string, std::shared_ptr<const RE2>> cache;
  constexpr std::size_t kMaxCached = 256;
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = cache.find(pattern); it != cache.end()) return it->second;
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_shared<const RE2>(pattern, options);
  if (cache.size() >= kMaxCached) cache.clear();
  cache.emplace(pattern, re);
  return re;
}

Result<Value> Match(std::span<const Value> args, const CallContext&) {
  auto re = CompileRegexp(args[0].s);
  if (!re->ok()) return Error{RegexpError(*re)};
  return Value::Bool(RE2::PartialMatch(args[1].s, *re));
}

// Go's Regexp.Expand template syntax: $1, ${1}, $name, ${name}, $$.
void ExpandReplacement(std::string_view repl, const RE2& re, const re2::StringPiece* groups,
                       std::string* out) {
  const auto& names = re.NamedCapturingGroups();
  for (std::size_t i = 0; i < repl.size();) {
    if (repl[i] != '$' || i + 1 >= repl.size()) {
      *out += repl[i++];
      continue;
    }
    if (repl[i + 1] == '$') {
      *out += '$';
      i += 2;
      continue;
    }
    std::string name;
    std::size_t next;
    auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    if (repl[i + 1] == '{') {
      std::size_t close = repl.find('}', i + 2);
      if (close == std::string_view::npos) {
        *out += repl[i++];
        continue;
      }
      name = std::string(repl.substr(i + 2, close - i - 2));
      bool ok = !name.empty() && std::all_of(name.begin(), name.end(), is_word);
      if (!ok) {
        *out += repl[i++];
        continue;
      }
      next = close + 1;
    } else {
      next = i + 1;
      while (next < repl.size() && is_word(repl[next])) ++next;
      name = std::string(repl.substr(i + 1, next - i - 1));
      if (name.empty()) {
        *out += repl[i++];
        continue;
      }
    }
    i = next;
    int group = -1;
    if (std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      if (name.size() < 9) group = std::stoi(name);
    } else if (auto it = names.find(name); it != names.end()) {
      group = it->second;
    }
    if (group >= 0 && group <= re.NumberOfCapturingGroups() && groups[group].data() != nullptr) {
      out->append(groups[group].data(), groups[group].size());
    }
  }
}

Result<Value> ReReplaceAll(std::span<const Value> args, const CallContext&) {
  const std::string& pattern = args[0].s;
  auto re = CompileRegexp(pattern);
  if (!re->ok()) {
    return Error{"regexp: Compile(" + RegexpQuote(pattern) + "): " + RegexpError(*re)};
  }
  const std::string& text = args[2].s;
  int ngroups = re->NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> groups(ngroups);
  std::string out;
  std::size_t last_end = 0;
  std::size_t search = 0;
  while (search <= text.size()) {
    if (!re->Match(text, search, text.size(), RE2::UNANCHORED, groups.data(), ngroups)) break;
    std::size_t start = groups[0].data() - text.data();
    std::size_t end = start + groups[0].size();
    out.append(text, last_end, start - last_end);
    // No replacement for an empty match right after the previous match (Go's rule).
    if (end > last_end || start == 0) ExpandReplacement(args[1].s, *re, groups.data(), &out);
    last_end = end;
    std::size_t width = 1;
    if (search < text.size()) {
      auto c = static_cast<unsigned char>(text[search]);
      width = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
      width = std::min(width, text.size() - search);
    }
    if (search + width > end) {
      search += width;
    } else if (search + 1 > end) {
      ++search;
    } else {
      search = end;
    }
  }
  out.append(text, last_end, std::string::npos);
  return Value::String(out);
}

// net.SplitHostPort; false on any of its errors.
bool SplitHostPort(std::string_view hostport, std::string* host, std::string* port) {
  std::size_t i = hostport.rfind(':');
  if (i == std::string_view::npos) return false;
  std::size_t j = 0;
  std::size_t k = 0;
  if (!hostport.empty() && hostport[0] == '[') {
    std::size_t end = hostport.find(']');
    if (end == std::string_view::npos) return false;
    if (end + 1 == hostport.size() || end + 1 != i) return false;
    *host = std::string(hostport.substr(1, end - 1));
    j = 1;
    k = end + 1;
  } else {
    *host = std::string(hostport.substr(0, i));
    if (host->find(':') != std::string::npos) return false;
  }
  if (hostport.substr(j).find('[') != std::string_view::npos) return false;
  if (hostport.substr(k).find(']') != std::string_view::npos) return false;
  *port = std::string(hostport.substr(i + 1));
  return true;
}

Result<Value> StripPort(std::span<const Value> args, const CallContext&) {
  std::string host, port;
  if (!SplitHostPort(args[0].s, &host, &port)) return Value::String(args[0].s);
  return Value::String(host);
}

bool IsIp(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

Result<Value> StripDomain(std::span<const Value> args, const CallContext&) {
  const std::string& hostport = args[0].s;
  std::string host, port;
  if (!SplitHostPort(hostport, &host, &port)) host = hostport;
  if (IsIp(host)) return Value::String(hostport);
  host = host.substr(0, host.find('.'));
  if (port.empty()) return Value::String(host);
  if (host.find(':') != std::string::npos) return Value::String("[" + host + "]:" + port);
  return Value::String(host + ":" + port);
}

Result<Value> SafeHtml(std::span<const Value> args, const CallContext&) {
  Value v = Value::String(args[0].s);
  v.kind = Kind::kHtml;
  return v;
}

// model.ParseDuration: [0-9]+ with units y w d h m s ms, in that order, e.g. "1h30m".
Result<Value> ParseDuration(std::span<const Value> args, const CallContext&) {
  const std::string& s = args[0].s;
  auto invalid = Error{"not a valid duration string: " + GoQuote(s)};
  if (s == "0") return Value::Float(0);
  if (s.empty()) return invalid;
  static const std::pair<std::string_view, double> kUnits[] = {
      {"y", 365 * 86400.0}, {"w", 7 * 86400.0}, {"d", 86400.0}, {"h", 3600.0},
      {"m", 60.0},          {"s", 1.0},         {"ms", 0.001}};
  double total = 0;
  std::size_t next_unit = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return invalid;
    double n = std::stod(s.substr(start, i - start));
    std::size_t u = next_unit;
    for (; u < std::size(kUnits); ++u) {
      std::string_view unit = kUnits[u].first;
      bool ms_ahead = unit == "m" && s.compare(i, 2, "ms") == 0;
      if (s.compare(i, unit.size(), unit) == 0 && !ms_ahead) break;
    }
    if (u == std::size(kUnits)) return invalid;
    total += n * kUnits[u].second;
    i += kUnits[u].first.size();
    next_unit = u + 1;
  }
  return Value::Float(total);
}

Result<Value> ExternalUrl(std::span<const Value>, const CallContext& ctx) {
  return Value::String(ctx.data->external_url);
}

Result<Value> PathPrefix(std::span<const Value>, const CallContext& ctx) {
  std::string_view url = ctx.data->external_url;
  std::size_t scheme = url.find("://");
  if (scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  std::size_t slash = url.find('/');
  if (slash == std::string_view::npos) return Value::String("");
  std::string_view path = url.substr(slash);
  path = path.substr(0, path.find_first_of("?#"));
  return Value::String(std::string(path));
}

Result<Value> GraphLink(std::span<const Value> args, const CallContext&) {
  return Value::String("/graph?g0.expr=" + QueryEscape(args[0].s) + "&g0.tab=0");
}

Result<Value> TableLink(std::span<const Value> args, const CallContext&) {
  return Value::String("/graph?g0.expr=" + QueryEscape(args[0].s) + "&g0.tab=1");
}

const std::vector<FuncSpec>& Functions() {
  using P = ParamType;
  static const std::vector<FuncSpec> kFunctions = {
      // Go builtins.
      {"and", {P::kAny, P::kAny}, true, nullptr, true},
      {"or", {P::kAny, P::kAny}, true, nullptr, true},
      {"not", {P::kAny}, false, BuiltinNot},
      {"eq", {P::kAny, P::kAny}, true, BuiltinEq},
      {"ne", {P::kAny, P::kAny}, false, BuiltinNe},
      {"lt", {P::kAny, P::kAny}, false, BuiltinLt},
      {"le", {P::kAny, P::kAny}, false, BuiltinLe},
      {"gt", {P::kAny, P::kAny}, false, BuiltinGt},
      {"ge", {P::kAny, P::kAny}, false, BuiltinGe},
      {"len", {P::kAny}, false, BuiltinLen},
      {"index", {P::kAny, P::kAny}, true, BuiltinIndex},
      {"print", {P::kAny}, true, BuiltinPrint},
      {"printf", {P::kString, P::kAny}, true, BuiltinPrintf},
      {"println", {P::kAny}, true, BuiltinPrintln},
      {"html", {P::kAny}, true, BuiltinHtml},
      {"urlquery", {P::kAny}, true, BuiltinUrlquery},
      // Prometheus.
      {"humanize", {P::kAny}, false, Humanize},
      {"humanize1024", {P::kAny}, false, Humanize1024},
      {"humanizeDuration", {P::kAny}, false, HumanizeDuration},
      {"humanizePercentage", {P::kAny}, false, HumanizePercentage},
      {"humanizeTimestamp", {P::kAny}, false, HumanizeTimestamp},
      {"title", {P::kString}, false, Title},
      {"toUpper", {P::kString}, false, ToUpper},
      {"toLower", {P::kString}, false, ToLower},
      {"match", {P::kString, P::kString}, false, Match},
      {"reReplaceAll", {P::kString, P::kString, P::kString}, false, ReReplaceAll},
      {"stripPort", {P::kString}, false, StripPort},
      {"stripDomain", {P::kString}, false, StripDomain},
      {"safeHtml", {P::kString}, false, SafeHtml},
      {"parseDuration", {P::kString}, false, ParseDuration},
      {"externalURL", {}, false, ExternalUrl},
      {"pathPrefix", {}, false, PathPrefix},
      {"graphLink", {P::kString}, false, GraphLink},
      {"tableLink", {P::kString}, false, TableLink},
  };
  return kFunctions;
}

}  // namespace

Result<double> ParseFloat(const std::string& s) { return GoParseFloat(s); }

bool UnderscoreOk(std::string_view s) { return GoUnderscoreOk(s); }

const FuncSpec* FindFunction(std::string_view name) {
  for (const FuncSpec& fn : Functions()) {
    if (fn.name == name) return &fn;
  }
  return nullptr;
}

bool IsUnsupportedFunction(std::string_view name) {
  // query/first/label/value/strvalue/sortByLabel need a query engine inside templates; args
  // and toTime return types this executor does not model; call/slice/js are rarely used.
  static constexpr std::string_view kUnsupported[] = {"query",    "first",       "label", "value",
                                                      "strvalue", "sortByLabel", "args",  "toTime",
                                                      "call",     "slice",       "js"};
  return std::find(std::begin(kUnsupported), std::end(kUnsupported), name) !=
         std::end(kUnsupported);
}

}  // namespace opsagent::rules::tmpl
