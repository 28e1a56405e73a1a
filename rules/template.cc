// AlertTemplate: lexer, parser and executor for the Go text/template subset alert rules use.
//
// The structure follows Go's text/template (parse/lex.go, parse/parse.go, exec.go) closely so
// that positions, error texts and edge cases match what Prometheus prints: error messages are
// part of the observable behaviour (they end up in annotations).
#include "rules/template.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "rules/template_internal.h"

namespace opsagent::rules {
namespace {

using tmpl::AppendUtf8;
using tmpl::DecodeRune;
using tmpl::GoQuote;
using tmpl::Kind;
using tmpl::Value;

// Prometheus prepends this to every alert label and annotation template (rules/alerting.go);
// parsing it with the user text keeps error columns identical to Prometheus's.
constexpr std::string_view kHeader =
    "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}"
    "{{$externalURL := .ExternalURL}}{{$value := .Value}}";

// Bounds so that a template cannot hang or exhaust memory in the evaluation loop.
constexpr std::size_t kMaxOutputBytes = 64 * 1024;
constexpr std::uint64_t kMaxSteps = 100000;
constexpr int kMaxDepth = 200;
constexpr int kMaxTemplateDepth = 100;

// ---------------------------------------------------------------------------------------------
// Lexer (Go text/template/parse/lex.go).

enum class ItemType {
  kError,
  kBool,
  kChar,
  kCharConstant,
  kAssign,
  kDeclare,
  kComplex,
  kEOF,
  kField,
  kIdentifier,
  kLeftDelim,
  kLeftParen,
  kNumber,
  kPipe,
  kRawString,
  kRightDelim,
  kRightParen,
  kSpace,
  kString,
  kText,
  kVariable,
  kKeyword,  // Keywords follow; only used to classify.
  kBlock,
  kBreak,
  kContinue,
  kDot,
  kDefine,
  kElse,
  kEnd,
  kIf,
  kNil,
  kRange,
  kTemplate,
  kWith,
};

struct Item {
  ItemType type = ItemType::kEOF;
  std::size_t pos = 0;
  std::string val;
  int line = 1;
};

std::optional<ItemType> Keyword(std::string_view word) {
  static const std::pair<std::string_view, ItemType> kKeywords[] = {
      {".", ItemType::kDot},
      {"block", ItemType::kBlock},
      {"break", ItemType::kBreak},
      {"continue", ItemType::kContinue},
      {"define", ItemType::kDefine},
      {"else", ItemType::kElse},
      {"end", ItemType::kEnd},
      {"if", ItemType::kIf},
      {"range", ItemType::kRange},
      {"nil", ItemType::kNil},
      {"template", ItemType::kTemplate},
      {"with", ItemType::kWith},
  };
  for (const auto& [name, type] : kKeywords) {
    if (name == word) return type;
  }
  return std::nullopt;
}

// Go's %q of a string, cut to `max_runes` runes first when max_runes >= 0 (%.10q).
std::string QuoteRunes(std::string_view s, int max_runes) {
  if (max_runes >= 0) {
    std::size_t i = 0;
    for (int n = 0; i < s.size() && n < max_runes; ++n) {
      ++i;
      while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    }
    s = s.substr(0, i);
  }
  return GoQuote(s);
}

std::string ItemString(const Item& item) {
  if (item.type == ItemType::kEOF) return "EOF";
  if (item.type == ItemType::kError) return item.val;
  if (item.type > ItemType::kKeyword) return "<" + item.val + ">";
  std::size_t runes = 0;
  for (char c : item.val) runes += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (runes > 10) return QuoteRunes(item.val, 10) + "...";
  return GoQuote(item.val);
}

bool IsSpaceRune(int r) { return r == ' ' || r == '\t' || r == '\r' || r == '\n'; }

bool IsAlphaNumeric(int r) {
  if (r == '_') return true;
  if (r < 0x80) return r >= 0 && std::isalnum(r);
  return tmpl::IsLetterOrDigit(r);
}

// %#U: "U+0029 ')'".
std::string FormatRuneU(int r) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "U+%04X", static_cast<unsigned>(r));
  std::string out = buf;
  if (r >= 0x20 && r < 0x7F) {
    out += " '";
    out += static_cast<char>(r);
    out += "'";
  } else if (r >= 0xA0) {
    std::string enc;
    AppendUtf8(r, &enc);
    out += " '" + enc + "'";
  }
  return out;
}

class Lexer {
 public:
  explicit Lexer(std::string_view input) : input_(input) {}

  std::vector<Item> Run() {
    items_.reserve(input_.size() / 4 + 8);
    State state = State::kText;
    while (state != State::kDone) state = Step(state);
    return std::move(items_);
  }

 private:
  enum class State {
    kText,
    kLeftDelim,
    kComment,
    kRightDelim,
    kInsideAction,
    kSpace,
    kIdentifier,
    kField,
    kVariable,
    kChar,
    kNumber,
    kQuote,
    kRawQuote,
    kDone
  };
  static constexpr int kEof = -1;

  State Step(State state) {
    switch (state) {
      case State::kText:
        return LexText();
      case State::kLeftDelim:
        return LexLeftDelim();
      case State::kComment:
        return LexComment();
      case State::kRightDelim:
        return LexRightDelim();
      case State::kInsideAction:
        return LexInsideAction();
      case State::kSpace:
        return LexSpace();
      case State::kIdentifier:
        return LexIdentifier();
      case State::kField:
        return LexFieldOrVariable(ItemType::kField);
      case State::kVariable:
        return AtTerminator() ? Emit(ItemType::kVariable, State::kInsideAction)
                              : LexFieldOrVariable(ItemType::kVariable);
      case State::kChar:
        return LexQuoted('\'', "unterminated character constant", ItemType::kCharConstant);
      case State::kNumber:
        return LexNumber();
      case State::kQuote:
        return LexQuoted('"', "unterminated quoted string", ItemType::kString);
      case State::kRawQuote:
        return LexRawQuote();
      case State::kDone:
        break;
    }
    return State::kDone;
  }

  int Next() {
    if (pos_ >= input_.size()) {
      width_ = 0;
      return kEof;
    }
    int r = DecodeRune(input_, pos_, &width_);
    pos_ += width_;
    return r;
  }
  int Peek() {
    int r = Next();
    Backup();
    return r;
  }
  void Backup() { pos_ -= width_; }
  std::string_view Rest() const { return input_.substr(pos_); }

  // Item start positions only grow, so lines are counted incrementally (linear in the input).
  int LineAt(std::size_t pos) {
    if (pos < line_pos_) {
      line_pos_ = 0;
      line_ = 1;
    }
    line_ += static_cast<int>(std::count(input_.begin() + line_pos_, input_.begin() + pos, '\n'));
    line_pos_ = pos;
    return line_;
  }
  State Emit(ItemType type, State next) {
    items_.push_back(
        {type, start_, std::string(input_.substr(start_, pos_ - start_)), LineAt(start_)});
    start_ = pos_;
    return next;
  }
  void Ignore() { start_ = pos_; }
  State Errorf(std::string message) {
    items_.push_back({ItemType::kError, start_, std::move(message), LineAt(start_)});
    return State::kDone;
  }
  bool Accept(std::string_view valid) {
    int r = Next();
    if (r != kEof && valid.find(static_cast<char>(r)) != std::string_view::npos && r < 0x80) {
      return true;
    }
    Backup();
    return false;
  }
  void AcceptRun(std::string_view valid) {
    while (Accept(valid)) {
    }
  }

  static bool HasLeftTrimMarker(std::string_view s) {
    return s.size() >= 2 && s[0] == '-' && IsSpaceRune(s[1]);
  }
  static bool HasRightTrimMarker(std::string_view s) {
    return s.size() >= 2 && IsSpaceRune(s[0]) && s[1] == '-';
  }
  static std::size_t RightTrimLength(std::string_view s) {
    std::size_t n = s.size();
    while (n > 0 && IsSpaceRune(s[n - 1])) --n;
    return s.size() - n;
  }
  static std::size_t LeftTrimLength(std::string_view s) {
    std::size_t n = 0;
    while (n < s.size() && IsSpaceRune(s[n])) ++n;
    return n;
  }
  // Whether the input is at "}}", possibly preceded by a " -" trim marker.
  std::pair<bool, bool> AtRightDelim() const {
    std::string_view rest = Rest();
    if (rest.starts_with("}}")) return {true, false};
    if (HasRightTrimMarker(rest) && rest.substr(2).starts_with("}}")) return {true, true};
    return {false, false};
  }
  bool AtTerminator() {
    int r = Peek();
    if (IsSpaceRune(r)) return true;
    switch (r) {
      case kEof:
      case '.':
      case ',':
      case '|':
      case ':':
      case ')':
      case '(':
      case '}':
        return true;
      default:
        return false;
    }
  }

  State LexText() {
    width_ = 0;
    std::size_t x = input_.find("{{", pos_);
    if (x == std::string_view::npos) {
      pos_ = input_.size();
      if (pos_ > start_) Emit(ItemType::kText, State::kDone);
      return Emit(ItemType::kEOF, State::kDone);
    }
    pos_ = x;
    std::size_t trim = 0;
    if (HasLeftTrimMarker(input_.substr(pos_ + 2))) {
      trim = RightTrimLength(input_.substr(start_, pos_ - start_));
    }
    pos_ -= trim;
    if (pos_ > start_) Emit(ItemType::kText, State::kDone);
    pos_ += trim;
    Ignore();
    return State::kLeftDelim;
  }

  State LexLeftDelim() {
    pos_ += 2;
    std::size_t after_marker = HasLeftTrimMarker(Rest()) ? 2 : 0;
    if (input_.substr(pos_ + after_marker).starts_with("/*")) {
      pos_ += after_marker;
      Ignore();
      return State::kComment;
    }
    Emit(ItemType::kLeftDelim, State::kDone);
    pos_ += after_marker;
    Ignore();
    paren_depth_ = 0;
    return State::kInsideAction;
  }

  State LexComment() {
    pos_ += 2;
    std::size_t end = input_.find("*/", pos_);
    if (end == std::string_view::npos) return Errorf("unclosed comment");
    pos_ = end + 2;
    auto [delim, trim] = AtRightDelim();
    if (!delim) return Errorf("comment ends before closing delimiter");
    if (trim) pos_ += 2;
    pos_ += 2;
    if (trim) pos_ += LeftTrimLength(Rest());
    Ignore();
    return State::kText;
  }

  State LexRightDelim() {
    bool trim = HasRightTrimMarker(Rest());
    if (trim) {
      pos_ += 2;
      Ignore();
    }
    pos_ += 2;
    Emit(ItemType::kRightDelim, State::kDone);
    if (trim) {
      pos_ += LeftTrimLength(Rest());
      Ignore();
    }
    return State::kText;
  }

  State LexInsideAction() {
    if (AtRightDelim().first) {
      if (paren_depth_ == 0) return State::kRightDelim;
      return Errorf("unclosed left paren");
    }
    int r = Next();
    if (r == kEof) return Errorf("unclosed action");
    if (IsSpaceRune(r)) {
      Backup();
      return State::kSpace;
    }
    switch (r) {
      case '=':
        return Emit(ItemType::kAssign, State::kInsideAction);
      case ':':
        if (Next() != '=') return Errorf("expected :=");
        return Emit(ItemType::kDeclare, State::kInsideAction);
      case '|':
        return Emit(ItemType::kPipe, State::kInsideAction);
      case '"':
        return State::kQuote;
      case '`':
        return State::kRawQuote;
      case '$':
        return State::kVariable;
      case '\'':
        return State::kChar;
      case '(':
        ++paren_depth_;
        return Emit(ItemType::kLeftParen, State::kInsideAction);
      case ')':
        Emit(ItemType::kRightParen, State::kInsideAction);
        if (--paren_depth_ < 0) return Errorf("unexpected right paren " + FormatRuneU(r));
        return State::kInsideAction;
      default:
        break;
    }
    if (r == '.' && pos_ < input_.size() && (input_[pos_] < '0' || input_[pos_] > '9')) {
      return State::kField;
    }
    if (r == '.' || r == '+' || r == '-' || (r >= '0' && r <= '9')) {
      Backup();
      return State::kNumber;
    }
    if (IsAlphaNumeric(r)) {
      Backup();
      return State::kIdentifier;
    }
    if (r < 0x7F && r >= 0x20) return Emit(ItemType::kChar, State::kInsideAction);
    return Errorf("unrecognized character in action: " + FormatRuneU(r));
  }

  State LexSpace() {
    int spaces = 0;
    while (IsSpaceRune(Peek())) {
      Next();
      ++spaces;
    }
    // A " -}}" closing delimiter: the last space belongs to the trim marker.
    if (HasRightTrimMarker(input_.substr(pos_ - 1)) && input_.substr(pos_ + 1).starts_with("}}")) {
      Backup();
      if (spaces == 1) return State::kRightDelim;
    }
    return Emit(ItemType::kSpace, State::kInsideAction);
  }

  State LexIdentifier() {
    int r;
    while (IsAlphaNumeric(r = Next())) {
    }
    Backup();
    std::string_view word = input_.substr(start_, pos_ - start_);
    if (!AtTerminator()) return Errorf("bad character " + FormatRuneU(r));
    if (auto kw = Keyword(word); kw && *kw > ItemType::kKeyword) {
      return Emit(*kw, State::kInsideAction);
    }
    if (word == "true" || word == "false") return Emit(ItemType::kBool, State::kInsideAction);
    return Emit(ItemType::kIdentifier, State::kInsideAction);
  }

  State LexFieldOrVariable(ItemType type) {
    if (AtTerminator()) {
      return Emit(type == ItemType::kVariable ? ItemType::kVariable : ItemType::kDot,
                  State::kInsideAction);
    }
    int r;
    while (IsAlphaNumeric(r = Next())) {
    }
    Backup();
    if (!AtTerminator()) return Errorf("bad character " + FormatRuneU(r));
    return Emit(type, State::kInsideAction);
  }

  State LexQuoted(char quote, const char* unterminated, ItemType type) {
    for (;;) {
      int r = Next();
      if (r == '\\') {
        r = Next();
        if (r != kEof && r != '\n') continue;
        return Errorf(unterminated);
      }
      if (r == kEof || r == '\n') return Errorf(unterminated);
      if (r == quote) break;
    }
    return Emit(type, State::kInsideAction);
  }

  State LexRawQuote() {
    for (;;) {
      int r = Next();
      if (r == kEof) return Errorf("unterminated raw quoted string");
      if (r == '`') break;
    }
    return Emit(ItemType::kRawString, State::kInsideAction);
  }

  bool ScanNumber() {
    Accept("+-");
    std::string_view digits = "0123456789_";
    if (Accept("0")) {
      if (Accept("xX")) {
        digits = "0123456789abcdefABCDEF_";
      } else if (Accept("oO")) {
        digits = "01234567_";
      } else if (Accept("bB")) {
        digits = "01_";
      }
    }
    AcceptRun(digits);
    if (Accept(".")) AcceptRun(digits);
    if (digits.size() == 11 && Accept("eE")) {
      Accept("+-");
      AcceptRun("0123456789_");
    }
    if (digits.size() == 23 && Accept("pP")) {
      Accept("+-");
      AcceptRun("0123456789_");
    }
    Accept("i");
    if (IsAlphaNumeric(Peek())) {
      Next();
      return false;
    }
    return true;
  }

  State LexNumber() {
    auto bad = [&] {
      return Errorf("bad number syntax: " + GoQuote(input_.substr(start_, pos_ - start_)));
    };
    if (!ScanNumber()) return bad();
    int sign = Peek();
    if (sign == '+' || sign == '-') {
      if (!ScanNumber() || input_[pos_ - 1] != 'i') return bad();
      return Emit(ItemType::kComplex, State::kInsideAction);
    }
    return Emit(ItemType::kNumber, State::kInsideAction);
  }

  std::string_view input_;
  std::vector<Item> items_;
  std::size_t pos_ = 0;
  std::size_t start_ = 0;
  std::size_t width_ = 0;
  int paren_depth_ = 0;
  std::size_t line_pos_ = 0;
  int line_ = 1;
};

// ---------------------------------------------------------------------------------------------
// AST (Go text/template/parse/node.go).

enum class NodeType {
  kText,
  kAction,
  kIf,
  kRange,
  kWith,
  kList,
  kPipe,
  kCommand,
  kField,
  kVariable,
  kChain,
  kIdentifier,
  kDot,
  kNil,
  kBool,
  kNumber,
  kString,
  kBreak,
  kContinue,
  kTemplate,  // {{template "name" pipeline}}: `text` is the name, `pipe` optional.
  kEnd,       // Parser-internal: {{end}}.
  kElse,      // Parser-internal: {{else}}.
};

struct Node {
  NodeType type;
  std::size_t pos = 0;
  std::string text;                             // Text, identifier name, number/string source text.
  std::string str;                              // String literal value.
  std::vector<std::string> idents;              // Field/variable/chain path.
  std::vector<std::unique_ptr<Node>> children;  // List items, command args, pipe commands.
  std::vector<std::unique_ptr<Node>> decl;      // Pipe: declared/assigned variables.
  bool is_assign = false;
  bool bool_val = false;
  std::unique_ptr<Node> pipe;  // Control nodes' pipeline; chain's operand.
  std::unique_ptr<Node> list;
  std::unique_ptr<Node> else_list;
  // Number literal (NumberNode): which interpretations are exact.
  bool is_int = false;
  bool is_uint = false;
  bool is_float = false;
  std::int64_t int_val = 0;
  double float_val = 0;

  Node(NodeType t, std::size_t p) : type(t), pos(p) {}
};
using NodePtr = std::unique_ptr<Node>;
// Templates by name: the main one and those from {{define}} and {{block}}.
using TreeSet = std::map<std::string, NodePtr, std::less<>>;

NodePtr MakeNode(NodeType type, std::size_t pos) { return std::make_unique<Node>(type, pos); }

void WriteNode(const Node& n, std::string* out);

void WritePipe(const Node& pipe, std::string* out) {
  for (std::size_t i = 0; i < pipe.decl.size(); ++i) {
    if (i > 0) *out += ", ";
    WriteNode(*pipe.decl[i], out);
  }
  if (!pipe.decl.empty()) *out += pipe.is_assign ? " = " : " := ";
  for (std::size_t i = 0; i < pipe.children.size(); ++i) {
    if (i > 0) *out += " | ";
    WriteNode(*pipe.children[i], out);
  }
}

void WriteControl(const Node& n, std::string_view keyword, std::string* out) {
  *out += "{{";
  *out += keyword;
  *out += " ";
  WritePipe(*n.pipe, out);
  *out += "}}";
  WriteNode(*n.list, out);
  if (n.else_list) {
    *out += "{{else}}";
    WriteNode(*n.else_list, out);
  }
  *out += "{{end}}";
}

// Go's Node.String(): the source-like rendering used in execution error contexts.
void WriteNode(const Node& n, std::string* out) {
  switch (n.type) {
    case NodeType::kText:
      *out += n.text;
      return;
    case NodeType::kAction:
      *out += "{{";
      WritePipe(*n.pipe, out);
      *out += "}}";
      return;
    case NodeType::kIf:
      return WriteControl(n, "if", out);
    case NodeType::kRange:
      return WriteControl(n, "range", out);
    case NodeType::kWith:
      return WriteControl(n, "with", out);
    case NodeType::kList:
      for (const auto& c : n.children) WriteNode(*c, out);
      return;
    case NodeType::kPipe:
      return WritePipe(n, out);
    case NodeType::kCommand:
      for (std::size_t i = 0; i < n.children.size(); ++i) {
        if (i > 0) *out += " ";
        if (n.children[i]->type == NodeType::kPipe) {
          *out += "(";
          WritePipe(*n.children[i], out);
          *out += ")";
        } else {
          WriteNode(*n.children[i], out);
        }
      }
      return;
    case NodeType::kField:
      for (const auto& id : n.idents) *out += "." + id;
      return;
    case NodeType::kVariable:
      for (std::size_t i = 0; i < n.idents.size(); ++i) {
        if (i > 0) *out += ".";
        *out += n.idents[i];
      }
      return;
    case NodeType::kChain:
      if (n.pipe->type == NodeType::kPipe) {
        *out += "(";
        WritePipe(*n.pipe, out);
        *out += ")";
      } else {
        WriteNode(*n.pipe, out);
      }
      for (const auto& id : n.idents) *out += "." + id;
      return;
    case NodeType::kIdentifier:
    case NodeType::kNumber:
    case NodeType::kString:
      *out += n.text;
      return;
    case NodeType::kDot:
      *out += ".";
      return;
    case NodeType::kNil:
      *out += "nil";
      return;
    case NodeType::kBool:
      *out += n.bool_val ? "true" : "false";
      return;
    case NodeType::kBreak:
      *out += "{{break}}";
      return;
    case NodeType::kContinue:
      *out += "{{continue}}";
      return;
    case NodeType::kTemplate:
      *out += "{{template " + GoQuote(n.text);
      if (n.pipe) {
        *out += " ";
        WritePipe(*n.pipe, out);
      }
      *out += "}}";
      return;
    case NodeType::kEnd:
      *out += "{{end}}";
      return;
    case NodeType::kElse:
      *out += "{{else}}";
      return;
  }
}

std::string NodeString(const Node& n) {
  std::string out;
  WriteNode(n, &out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Literal decoding (strconv.Unquote, strconv.UnquoteChar, number literals).

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// strconv.UnquoteChar: decodes one (possibly escaped) character of a quoted literal.
// Returns false on a bad escape ("invalid syntax").
bool UnquoteChar(std::string_view s, std::size_t* i, char quote, std::string* out) {
  if (s[*i] != '\\') {
    if (s[*i] == quote && quote != '`') return false;
    *out += s[(*i)++];
    return true;
  }
  if (*i + 1 >= s.size()) return false;
  char c = s[*i + 1];
  *i += 2;
  switch (c) {
    case 'a':
      *out += '\a';
      return true;
    case 'b':
      *out += '\b';
      return true;
    case 'f':
      *out += '\f';
      return true;
    case 'n':
      *out += '\n';
      return true;
    case 'r':
      *out += '\r';
      return true;
    case 't':
      *out += '\t';
      return true;
    case 'v':
      *out += '\v';
      return true;
    case '\\':
      *out += '\\';
      return true;
    case '\'':
    case '"':
      if (c != quote) return false;
      *out += c;
      return true;
    case 'x':
    case 'u':
    case 'U': {
      int n = c == 'x' ? 2 : c == 'u' ? 4 : 8;
      if (*i + n > s.size()) return false;
      int v = 0;
      for (int k = 0; k < n; ++k) {
        int d = HexDigit(s[*i + k]);
        if (d < 0) return false;
        v = v * 16 + d;
      }
      *i += n;
      if (c == 'x') {
        *out += static_cast<char>(v);
      } else {
        if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return false;
        AppendUtf8(v, out);
      }
      return true;
    }
    default:
      if (c >= '0' && c <= '7') {
        if (*i + 2 > s.size()) return false;
        int v = c - '0';
        for (int k = 0; k < 2; ++k) {
          char d = s[*i + k];
          if (d < '0' || d > '7') return false;
          v = v * 8 + (d - '0');
        }
        if (v > 255) return false;
        *i += 2;
        *out += static_cast<char>(v);
        return true;
      }
      return false;
  }
}

// strconv.Unquote for "..." and `...` literals (the lexer guarantees the delimiters).
std::optional<std::string> Unquote(std::string_view lit) {
  std::string out;
  if (lit.size() < 2) return std::nullopt;
  std::string_view body = lit.substr(1, lit.size() - 2);
  if (lit[0] == '`') {
    for (char c : body) {
      if (c != '\r') out += c;  // Go drops carriage returns from raw strings.
    }
    return out;
  }
  for (std::size_t i = 0; i < body.size();) {
    if (body[i] == '\n') return std::nullopt;
    if (!UnquoteChar(body, &i, '"', &out)) return std::nullopt;
  }
  return out;
}

// strconv.ParseInt/ParseUint(text, 0, 64)-style integer parse; nullopt if not an integer.
std::optional<std::uint64_t> ParseUnsigned(std::string_view s) {
  if (s.find('_') != std::string_view::npos && !tmpl::UnderscoreOk(s)) return std::nullopt;
  int base = 10;
  if (s.size() > 1 && s[0] == '0') {
    char p = static_cast<char>(std::tolower(static_cast<unsigned char>(s[1])));
    if (p == 'x') {
      base = 16;
      s.remove_prefix(2);
    } else if (p == 'o') {
      base = 8;
      s.remove_prefix(2);
    } else if (p == 'b') {
      base = 2;
      s.remove_prefix(2);
    } else {
      base = 8;
      s.remove_prefix(1);
    }
  }
  std::string digits;
  for (char c : s) {
    if (c != '_') digits += c;
  }
  if (digits.empty()) return std::nullopt;
  std::uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
  if (ptr != digits.data() + digits.size()) return std::nullopt;
  if (ec != std::errc()) return std::nullopt;
  return v;
}

// NumberNode construction (parse/node.go newNumber); an error text on failure.
std::optional<std::string> FillNumber(Node* n, ItemType type) {
  const std::string& text = n->text;
  if (type == ItemType::kCharConstant) {
    std::string decoded;
    std::size_t i = 1;
    std::string_view body(text);
    if (body.size() < 3 || !UnquoteChar(body, &i, '\'', &decoded)) return "invalid syntax";
    if (body.substr(i) != "'") return "malformed character constant: " + text;
    std::size_t w;
    int r =
        decoded.size() == 1 ? static_cast<unsigned char>(decoded[0]) : DecodeRune(decoded, 0, &w);
    n->is_int = n->is_uint = n->is_float = true;
    n->int_val = r;
    n->float_val = r;
    return std::nullopt;
  }
  if (type == ItemType::kComplex || (!text.empty() && text.back() == 'i')) {
    return "complex numbers are not supported by opsagent: " + text;
  }
  std::string_view digits = text;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (auto u = ParseUnsigned(digits)) {
    constexpr auto kMaxInt = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    n->is_uint = text[0] != '+' && (!negative || *u == 0);  // strconv.ParseUint takes no sign.
    if (*u <= kMaxInt || (negative && *u == kMaxInt + 1)) {
      n->is_int = true;
      n->int_val = negative ? static_cast<std::int64_t>(0 - *u) : static_cast<std::int64_t>(*u);
    }
    if (n->is_int) {
      n->is_float = true;
      n->float_val = static_cast<double>(n->int_val);
    } else if (n->is_uint) {
      n->is_float = true;
      n->float_val = static_cast<double>(*u);
    }
    if (n->is_int || n->is_uint) return std::nullopt;
  }
  if (Result<double> f = tmpl::ParseFloat(text); f.ok()) {
    if (text.find_first_of(".eEpP") == std::string::npos) {
      return "integer overflow: " + GoQuote(text);
    }
    n->is_float = true;
    n->float_val = *f;
    if (std::trunc(*f) == *f && *f >= -9223372036854775808.0 && *f < 9223372036854775808.0) {
      n->is_int = true;
      n->int_val = static_cast<std::int64_t>(*f);
    }
    return std::nullopt;
  }
  return "illegal number syntax: " + GoQuote(text);
}

// ---------------------------------------------------------------------------------------------
// Parser (Go text/template/parse/parse.go). Errors stop parsing: the first one is kept and every
// production returns early once `failed()`.

class Parser {
 public:
  Parser(std::string_view name, std::string_view text) : name_(name), items_(Lexer(text).Run()) {}

  // Parses the main template; {{define}}d and {{block}} templates go to trees() too.
  bool Parse() {
    auto root = MakeNode(NodeType::kList, Peek().pos);
    while (!failed() && Peek().type != ItemType::kEOF) {
      if (Peek().type == ItemType::kLeftDelim) {
        const Item& delim = Next();
        if (NextNonSpace().type == ItemType::kDefine) {
          ParseDefinition();
          continue;
        }
        Backup2(delim);
      }
      NodePtr n = TextOrAction();
      if (failed()) break;
      if (n->type == NodeType::kEnd || n->type == NodeType::kElse) {
        Errorf("unexpected " + NodeString(*n));
        break;
      }
      root->children.push_back(std::move(n));
    }
    if (!failed()) AddTree(name_, std::move(root));
    return !failed();
  }

  TreeSet& trees() { return trees_; }
  const std::string& error() const { return error_; }

 private:
  bool failed() const { return !error_.empty(); }

  // Tokens are pointers into items_, which does not change after lexing.
  const Item& Next() {
    if (peek_count_ > 0) {
      --peek_count_;
    } else {
      token_[0] = NextItem();
    }
    return *token_[peek_count_];
  }
  const Item* NextItem() {
    // The lexer's last item is EOF or an error; reading past it repeats it.
    if (index_ < items_.size()) return &items_[index_++];
    return &items_.back();
  }
  void Backup() { ++peek_count_; }
  void Backup2(const Item& t1) {
    token_[1] = &t1;
    peek_count_ = 2;
  }
  void Backup3(const Item& t2, const Item& t1) {
    token_[1] = &t1;
    token_[2] = &t2;
    peek_count_ = 3;
  }
  const Item& Peek() {
    if (peek_count_ > 0) return *token_[peek_count_ - 1];
    peek_count_ = 1;
    token_[0] = NextItem();
    return *token_[0];
  }
  const Item& NextNonSpace() {
    const Item* token;
    do {
      token = &Next();
    } while (token->type == ItemType::kSpace);
    return *token;
  }
  const Item& PeekNonSpace() {
    const Item& token = NextNonSpace();
    Backup();
    return token;
  }

  void Errorf(const std::string& message) {
    if (failed()) return;
    error_ = "template: " + name_ + ":" +
             std::to_string(token_[0] != nullptr ? token_[0]->line : 1) + ": " + message;
  }
  void Unexpected(const Item& token, std::string_view context) {
    if (token.type == ItemType::kError) {
      std::string extra;
      if (action_line_ != 0 && action_line_ != token.line) {
        extra = " in action started at " + name_ + ":" + std::to_string(action_line_);
        if (token.val.ends_with(" action")) extra = extra.substr(std::string(" in action").size());
      }
      return Errorf(ItemString(token) + extra);
    }
    Errorf("unexpected " + ItemString(token) + " in " + std::string(context));
  }

  // itemList: textOrAction* up to {{end}} or {{else}}, which is returned in *next.
  NodePtr ItemList(NodePtr* next) {
    auto list = MakeNode(NodeType::kList, PeekNonSpace().pos);
    while (!failed() && PeekNonSpace().type != ItemType::kEOF) {
      NodePtr n = TextOrAction();
      if (failed()) return nullptr;
      if (n->type == NodeType::kEnd || n->type == NodeType::kElse) {
        *next = std::move(n);
        return list;
      }
      list->children.push_back(std::move(n));
    }
    Errorf("unexpected EOF");
    return nullptr;
  }

  NodePtr TextOrAction() {
    const Item& token = NextNonSpace();
    switch (token.type) {
      case ItemType::kText: {
        auto n = MakeNode(NodeType::kText, token.pos);
        n->text = token.val;
        return n;
      }
      case ItemType::kLeftDelim: {
        action_line_ = token.line;
        NodePtr n = Action();
        action_line_ = 0;
        return n;
      }
      default:
        Unexpected(token, "input");
        return nullptr;
    }
  }

  // parse.IsEmptyTree: nothing but whitespace text.
  static bool IsEmptyTree(const Node* n) {
    if (n == nullptr) return true;
    if (n->type == NodeType::kText) {
      return n->text.find_first_not_of(" \t\n\r\v\f") == std::string::npos;
    }
    if (n->type != NodeType::kList) return false;
    return std::all_of(n->children.begin(), n->children.end(),
                       [](const NodePtr& c) { return IsEmptyTree(c.get()); });
  }

  // A later non-empty definition of an existing non-empty template is an error.
  void AddTree(const std::string& name, NodePtr root) {
    auto it = trees_.find(name);
    if (it == trees_.end() || IsEmptyTree(it->second.get())) {
      trees_[name] = std::move(root);
    } else if (!IsEmptyTree(root.get())) {
      Errorf("template: multiple definition of template " + GoQuote(name));
    }
  }

  // The body of {{define}} or {{block}}: a new tree with only `$` in scope, up to {{end}}.
  NodePtr ParseBody(std::string_view context) {
    std::vector<std::string> saved_vars = std::exchange(vars_, {"$"});
    int saved_range_depth = std::exchange(range_depth_, 0);
    NodePtr end;
    NodePtr list = ItemList(&end);
    vars_ = std::move(saved_vars);
    range_depth_ = saved_range_depth;
    if (failed()) return nullptr;
    if (end->type != NodeType::kEnd) {
      Errorf("unexpected " + NodeString(*end) + " in " + std::string(context));
      return nullptr;
    }
    return list;
  }

  std::optional<std::string> TemplateName(const Item& token, std::string_view context) {
    if (token.type != ItemType::kString && token.type != ItemType::kRawString) {
      Unexpected(token, context);
      return std::nullopt;
    }
    std::optional<std::string> name = Unquote(token.val);
    if (!name) Errorf("invalid syntax");
    return name;
  }

  void ParseDefinition() {
    constexpr std::string_view kContext = "define clause";
    std::optional<std::string> name = TemplateName(NextNonSpace(), kContext);
    if (!name) return;
    const Item& delim = NextNonSpace();
    if (delim.type != ItemType::kRightDelim) return Unexpected(delim, kContext);
    NodePtr body = ParseBody(kContext);
    if (body) AddTree(*name, std::move(body));
  }

  NodePtr BlockControl() {
    constexpr std::string_view kContext = "block clause";
    const Item& token = NextNonSpace();
    std::optional<std::string> name = TemplateName(token, kContext);
    if (!name) return nullptr;
    auto node = MakeNode(NodeType::kTemplate, token.pos);
    node->text = *name;
    node->pipe = Pipeline(kContext, ItemType::kRightDelim);
    if (failed()) return nullptr;
    NodePtr body = ParseBody(kContext);
    if (!body) return nullptr;
    AddTree(*name, std::move(body));
    return node;
  }

  NodePtr TemplateControl() {
    constexpr std::string_view kContext = "template clause";
    const Item& token = NextNonSpace();
    std::optional<std::string> name = TemplateName(token, kContext);
    if (!name) return nullptr;
    auto node = MakeNode(NodeType::kTemplate, token.pos);
    node->text = *name;
    if (NextNonSpace().type != ItemType::kRightDelim) {
      Backup();
      node->pipe = Pipeline(kContext, ItemType::kRightDelim);
      if (failed()) return nullptr;
    }
    return node;
  }

  NodePtr Action() {
    const Item& token = NextNonSpace();
    switch (token.type) {
      case ItemType::kBlock:
        return BlockControl();
      case ItemType::kBreak:
      case ItemType::kContinue:
        return LoopControl(token);
      case ItemType::kElse:
        return ElseControl();
      case ItemType::kEnd: {
        const Item& t = NextNonSpace();
        if (t.type != ItemType::kRightDelim) {
          Unexpected(t, "end");
          return nullptr;
        }
        return MakeNode(NodeType::kEnd, t.pos);
      }
      case ItemType::kIf:
        return Control(NodeType::kIf, "if");
      case ItemType::kRange:
        return Control(NodeType::kRange, "range");
      case ItemType::kTemplate:
        return TemplateControl();
      case ItemType::kWith:
        return Control(NodeType::kWith, "with");
      default:
        break;
    }
    Backup();
    const Item& first = Peek();
    auto action = MakeNode(NodeType::kAction, first.pos);
    action->pipe = Pipeline("command", ItemType::kRightDelim);
    if (failed()) return nullptr;
    return action;
  }

  NodePtr LoopControl(const Item& keyword) {
    bool is_break = keyword.type == ItemType::kBreak;
    std::string context = is_break ? "{{break}}" : "{{continue}}";
    const Item& token = NextNonSpace();
    if (token.type != ItemType::kRightDelim) {
      Unexpected(token, context);
      return nullptr;
    }
    if (range_depth_ == 0) {
      Errorf(context + " outside {{range}}");
      return nullptr;
    }
    return MakeNode(is_break ? NodeType::kBreak : NodeType::kContinue, keyword.pos);
  }

  NodePtr ElseControl() {
    const Item& peek = PeekNonSpace();
    if (peek.type == ItemType::kIf) return MakeNode(NodeType::kElse, peek.pos);
    const Item& token = NextNonSpace();
    if (token.type != ItemType::kRightDelim) {
      Unexpected(token, "else");
      return nullptr;
    }
    return MakeNode(NodeType::kElse, token.pos);
  }

  // if/range/with: pipeline, list, optional {{else}} list ("else if" chains nest).
  NodePtr Control(NodeType type, std::string_view context) {
    if (++depth_ > kMaxDepth) {
      Errorf("max nesting depth exceeded (opsagent limit)");
      return nullptr;
    }
    std::size_t vars_mark = vars_.size();
    auto node = MakeNode(type, 0);
    node->pipe = Pipeline(context, ItemType::kRightDelim);
    if (failed()) return nullptr;
    node->pos = node->pipe->pos;
    if (type == NodeType::kRange) ++range_depth_;
    NodePtr next;
    node->list = ItemList(&next);
    if (type == NodeType::kRange) --range_depth_;
    if (failed()) return nullptr;
    if (next->type == NodeType::kElse) {
      if (type == NodeType::kIf && Peek().type == ItemType::kIf) {
        Next();
        node->else_list = MakeNode(NodeType::kList, next->pos);
        NodePtr nested = Control(NodeType::kIf, "if");
        if (failed()) return nullptr;
        node->else_list->children.push_back(std::move(nested));
      } else {
        NodePtr end;
        node->else_list = ItemList(&end);
        if (failed()) return nullptr;
        if (end->type != NodeType::kEnd) {
          Errorf("expected end; found " + NodeString(*end));
          return nullptr;
        }
      }
    }
    vars_.resize(vars_mark);
    --depth_;
    return node;
  }

  // Declarations (`$x :=`, `$x =`, `$k, $v :=` in range) before the commands.
  bool PipelineDecls(Node* pipe, std::string_view context) {
    for (;;) {
      const Item& v = PeekNonSpace();
      if (v.type != ItemType::kVariable) return true;
      Next();
      const Item& after_var = Peek();
      const Item& next = PeekNonSpace();
      if (next.type == ItemType::kAssign || next.type == ItemType::kDeclare) {
        pipe->is_assign = next.type == ItemType::kAssign;
        NextNonSpace();
        pipe->decl.push_back(NewVariable(v.pos, v.val));
        vars_.push_back(v.val);
        return true;
      }
      if (next.type == ItemType::kChar && next.val == ",") {
        NextNonSpace();
        pipe->decl.push_back(NewVariable(v.pos, v.val));
        vars_.push_back(v.val);
        if (context == "range" && pipe->decl.size() < 2) {
          ItemType t = PeekNonSpace().type;
          if (t == ItemType::kVariable || t == ItemType::kRightDelim ||
              t == ItemType::kRightParen) {
            continue;
          }
          Errorf("range can only initialize variables");
          return false;
        }
        Errorf("too many declarations in " + std::string(context));
        return false;
      }
      if (after_var.type == ItemType::kSpace) {
        Backup3(v, after_var);
      } else {
        Backup2(v);
      }
      return true;
    }
  }

  NodePtr Pipeline(std::string_view context, ItemType end) {
    const Item& first = PeekNonSpace();
    auto pipe = MakeNode(NodeType::kPipe, first.pos);
    if (!PipelineDecls(pipe.get(), context)) return nullptr;
    for (;;) {
      const Item& token = NextNonSpace();
      if (token.type == end) {
        if (!CheckPipeline(*pipe, context)) return nullptr;
        return pipe;
      }
      switch (token.type) {
        case ItemType::kBool:
        case ItemType::kCharConstant:
        case ItemType::kComplex:
        case ItemType::kDot:
        case ItemType::kField:
        case ItemType::kIdentifier:
        case ItemType::kNumber:
        case ItemType::kNil:
        case ItemType::kRawString:
        case ItemType::kString:
        case ItemType::kVariable:
        case ItemType::kLeftParen: {
          Backup();
          NodePtr cmd = Command();
          if (failed()) return nullptr;
          pipe->children.push_back(std::move(cmd));
          break;
        }
        default:
          Unexpected(token, context);
          return nullptr;
      }
    }
  }

  bool CheckPipeline(const Node& pipe, std::string_view context) {
    if (pipe.children.empty()) {
      Errorf("missing value for " + std::string(context));
      return false;
    }
    for (std::size_t i = 1; i < pipe.children.size(); ++i) {
      switch (pipe.children[i]->children[0]->type) {
        case NodeType::kBool:
        case NodeType::kDot:
        case NodeType::kNil:
        case NodeType::kNumber:
        case NodeType::kString:
          Errorf("non executable command in pipeline stage " + std::to_string(i + 1));
          return false;
        default:
          break;
      }
    }
    return true;
  }

  NodePtr Command() {
    auto cmd = MakeNode(NodeType::kCommand, PeekNonSpace().pos);
    for (;;) {
      PeekNonSpace();
      NodePtr operand = Operand();
      if (failed()) return nullptr;
      if (operand) cmd->children.push_back(std::move(operand));
      const Item& token = Next();
      if (token.type == ItemType::kSpace) continue;
      if (token.type == ItemType::kRightDelim || token.type == ItemType::kRightParen) {
        Backup();
      } else if (token.type != ItemType::kPipe) {
        Unexpected(token, "operand");
        return nullptr;
      }
      break;
    }
    if (cmd->children.empty()) {
      Errorf("empty command");
      return nullptr;
    }
    return cmd;
  }

  NodePtr Operand() {
    NodePtr node = Term();
    if (!node || Peek().type != ItemType::kField) return node;
    auto chain = MakeNode(NodeType::kChain, Peek().pos);
    while (Peek().type == ItemType::kField) chain->idents.push_back(Next().val.substr(1));
    switch (node->type) {
      case NodeType::kField:
      case NodeType::kVariable: {
        // Like Go: .X.Y and $x.Y stay one node, positioned at the first chained field.
        node->pos = chain->pos;
        for (auto& id : chain->idents) node->idents.push_back(std::move(id));
        return node;
      }
      case NodeType::kBool:
      case NodeType::kString:
      case NodeType::kNumber:
      case NodeType::kNil:
      case NodeType::kDot:
        Errorf("unexpected . after term " + GoQuote(NodeString(*node)));
        return nullptr;
      default:
        chain->pipe = std::move(node);
        return chain;
    }
  }

  NodePtr Term() {
    const Item& token = NextNonSpace();
    switch (token.type) {
      case ItemType::kIdentifier:
        return Identifier(token);
      case ItemType::kDot:
        return MakeNode(NodeType::kDot, token.pos);
      case ItemType::kNil:
        return MakeNode(NodeType::kNil, token.pos);
      case ItemType::kVariable:
        return UseVar(token.pos, token.val);
      case ItemType::kField: {
        auto n = MakeNode(NodeType::kField, token.pos);
        n->idents.push_back(token.val.substr(1));
        return n;
      }
      case ItemType::kBool: {
        auto n = MakeNode(NodeType::kBool, token.pos);
        n->bool_val = token.val == "true";
        return n;
      }
      case ItemType::kCharConstant:
      case ItemType::kComplex:
      case ItemType::kNumber: {
        auto n = MakeNode(NodeType::kNumber, token.pos);
        n->text = token.val;
        if (auto err = FillNumber(n.get(), token.type)) {
          Errorf(*err);
          return nullptr;
        }
        return n;
      }
      case ItemType::kLeftParen: {
        if (++depth_ > kMaxDepth) {
          Errorf("max expression depth exceeded");
          return nullptr;
        }
        NodePtr pipe = Pipeline("parenthesized pipeline", ItemType::kRightParen);
        --depth_;
        return pipe;
      }
      case ItemType::kString:
      case ItemType::kRawString: {
        auto value = Unquote(token.val);
        if (!value) {
          Errorf("invalid syntax");
          return nullptr;
        }
        auto n = MakeNode(NodeType::kString, token.pos);
        n->text = token.val;
        n->str = std::move(*value);
        return n;
      }
      default:
        Backup();
        return nullptr;
    }
  }

  NodePtr Identifier(const Item& token) {
    if (tmpl::IsUnsupportedFunction(token.val)) {
      Errorf("function " + GoQuote(token.val) + " not supported by opsagent");
      return nullptr;
    }
    if (tmpl::FindFunction(token.val) == nullptr) {
      Errorf("function " + GoQuote(token.val) + " not defined");
      return nullptr;
    }
    auto n = MakeNode(NodeType::kIdentifier, token.pos);
    n->text = token.val;
    return n;
  }

  static NodePtr NewVariable(std::size_t pos, const std::string& ident) {
    auto n = MakeNode(NodeType::kVariable, pos);
    std::size_t start = 0;
    for (;;) {
      std::size_t dot = ident.find('.', start);
      n->idents.push_back(ident.substr(start, dot - start));
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    return n;
  }

  NodePtr UseVar(std::size_t pos, const std::string& name) {
    NodePtr v = NewVariable(pos, name);
    if (std::find(vars_.begin(), vars_.end(), v->idents[0]) == vars_.end()) {
      Errorf("undefined variable " + GoQuote(v->idents[0]));
      return nullptr;
    }
    return v;
  }

  std::string name_;
  std::vector<Item> items_;
  std::size_t index_ = 0;
  const Item* token_[3] = {nullptr, nullptr, nullptr};
  int peek_count_ = 0;
  std::vector<std::string> vars_ = {"$"};
  int action_line_ = 0;
  int range_depth_ = 0;
  int depth_ = 0;
  TreeSet trees_;
  std::string error_;
};

// ---------------------------------------------------------------------------------------------
// Executor (Go text/template/exec.go). The first error stops execution: it is recorded and every
// evaluation step returns early once `failed()`.

using NodeSpan = std::span<const NodePtr>;

class Executor {
 public:
  Executor(const std::string& name, std::string_view text, const TreeSet& trees,
           const TemplateData& data)
      : name_(name), exec_name_(name), text_(text), trees_(trees), data_(data) {
    ctx_.data = &data;
    vars_.emplace_back("$", Value::Data(&data));
  }

  Result<std::string> Run() {
    auto it = trees_.find(name_);
    if (it == trees_.end()) return Error{"template: " + name_ + ": no such template"};
    Walk(Value::Data(&data_), *it->second);
    if (failed()) return Error{error_};
    return std::move(out_);
  }

 private:
  enum class Flow { kNormal, kBreak, kContinue };

  bool failed() const { return !error_.empty(); }
  void At(const Node& node) { at_ = &node; }

  // "template: NAME:LINE:COL: executing "NAME" at <NODE>: MESSAGE", COL counted from 0.
  void Errorf(const std::string& message) {
    if (failed()) return;
    if (at_ == nullptr) {
      error_ = "template: " + name_ + ": " + message;
      return;
    }
    std::string_view before = text_.substr(0, at_->pos);
    std::size_t nl = before.rfind('\n');
    std::size_t col = nl == std::string_view::npos ? at_->pos : at_->pos - nl - 1;
    auto line = 1 + std::count(before.begin(), before.end(), '\n');
    error_ = "template: " + name_ + ":" + std::to_string(line) + ":" + std::to_string(col) +
             ": executing " + GoQuote(exec_name_) + " at <" + NodeString(*at_) + ">: " + message;
  }

  bool Step() {
    if (++steps_ > kMaxSteps) {
      Errorf("exceeded " + std::to_string(kMaxSteps) + " evaluation steps (opsagent limit)");
      return false;
    }
    return true;
  }

  void Write(std::string_view s) {
    if (out_.size() + s.size() > kMaxOutputBytes) {
      Errorf("output exceeds " + std::to_string(kMaxOutputBytes) + " bytes (opsagent limit)");
      return;
    }
    out_ += s;
  }

  void Walk(const Value& dot, const Node& node) {
    if (failed() || !Step()) return;
    At(node);
    switch (node.type) {
      case NodeType::kAction: {
        Value val = EvalPipeline(dot, *node.pipe);
        if (!failed() && node.pipe->decl.empty()) PrintValue(node, val);
        return;
      }
      case NodeType::kBreak:
        flow_ = Flow::kBreak;
        return;
      case NodeType::kContinue:
        flow_ = Flow::kContinue;
        return;
      case NodeType::kIf:
      case NodeType::kWith:
        return WalkIfOrWith(dot, node);
      case NodeType::kList:
        for (const auto& child : node.children) {
          Walk(dot, *child);
          if (failed() || flow_ != Flow::kNormal) return;
        }
        return;
      case NodeType::kRange:
        return WalkRange(dot, node);
      case NodeType::kText:
        return Write(node.text);
      case NodeType::kTemplate:
        return WalkTemplate(dot, node);
      default:
        return Errorf("unknown node: " + NodeString(node));
    }
  }

  void WalkIfOrWith(const Value& dot, const Node& node) {
    std::size_t mark = vars_.size();
    Value val = EvalPipeline(dot, *node.pipe);
    if (failed()) return;
    if (tmpl::IsTrue(val)) {
      Walk(node.type == NodeType::kWith ? val : dot, *node.list);
    } else if (node.else_list) {
      Walk(dot, *node.else_list);
    }
    vars_.resize(mark);
  }

  // {{template "name" pipeline}}: the named tree runs with only `$` (the pipeline's value)
  // in scope, and errors inside it name it in `executing "name"`.
  void WalkTemplate(const Value& dot, const Node& node) {
    At(node);
    auto it = trees_.find(node.text);
    if (it == trees_.end()) return Errorf("template " + GoQuote(node.text) + " not defined");
    if (template_depth_ >= kMaxTemplateDepth) {
      return Errorf("exceeded maximum template depth (" + std::to_string(kMaxTemplateDepth) +
                    ") (opsagent limit)");
    }
    Value new_dot = node.pipe ? EvalPipeline(dot, *node.pipe) : Value{};
    if (failed()) return;
    auto saved_vars = std::exchange(vars_, {{"$", new_dot}});
    std::string saved_name = std::exchange(exec_name_, node.text);
    ++template_depth_;
    Walk(new_dot, *it->second);
    --template_depth_;
    exec_name_ = std::move(saved_name);
    vars_ = std::move(saved_vars);
  }

  void WalkRange(const Value& dot, const Node& node) {
    At(node);
    std::size_t outer_mark = vars_.size();
    Value val = EvalPipeline(dot, *node.pipe);
    if (failed()) return;
    std::size_t mark = vars_.size();
    if (val.kind == Kind::kMap && !val.map->empty()) {
      for (const Label& label : *val.map) {
        RangeIteration(node, mark, Value::String(label.name), Value::String(label.value));
        if (failed() || flow_ == Flow::kBreak) break;
      }
      flow_ = Flow::kNormal;
      vars_.resize(outer_mark);
      return;
    }
    if (val.kind != Kind::kMap && val.kind != Kind::kInvalid) {
      return Errorf("range can't iterate over " + tmpl::FormatValue(val));
    }
    if (node.else_list) Walk(dot, *node.else_list);
    vars_.resize(outer_mark);
  }

  // Go 1.19 (Prometheus 2.42) sets the top of the variable stack even for `range $x = ...`,
  // which then overwrites whichever variable was declared last; kept for identical output.
  void RangeIteration(const Node& node, std::size_t mark, const Value& index, const Value& elem) {
    const auto& decl = node.pipe->decl;
    if (!decl.empty()) vars_[vars_.size() - 1].second = elem;
    if (decl.size() > 1) vars_[vars_.size() - 2].second = index;
    Walk(elem, *node.list);
    vars_.resize(mark);
    if (flow_ == Flow::kContinue) flow_ = Flow::kNormal;
  }

  void SetVar(const std::string& name, const Value& value) {
    for (auto it = vars_.rbegin(); it != vars_.rend(); ++it) {
      if (it->first == name) {
        it->second = value;
        return;
      }
    }
    Errorf("undefined variable: " + name);
  }

  Value VarValue(const std::string& name) {
    for (auto it = vars_.rbegin(); it != vars_.rend(); ++it) {
      if (it->first == name) return it->second;
    }
    Errorf("undefined variable: " + name);
    return {};
  }

  Value EvalPipeline(const Value& dot, const Node& pipe) {
    At(pipe);
    std::optional<Value> value;
    for (const auto& cmd : pipe.children) {
      Value v = EvalCommand(dot, *cmd, value ? &*value : nullptr);
      if (failed()) return {};
      value = std::move(v);
    }
    for (const auto& var : pipe.decl) {
      if (pipe.is_assign) {
        SetVar(var->idents[0], *value);
      } else {
        vars_.emplace_back(var->idents[0], *value);
      }
    }
    return *value;
  }

  void NotAFunction(NodeSpan args, const Value* final) {
    if (args.size() > 1 || final != nullptr) {
      Errorf("can't give argument to non-function " + NodeString(*args[0]));
    }
  }

  Value EvalCommand(const Value& dot, const Node& cmd, const Value* final) {
    if (!Step()) return {};
    const Node& first = *cmd.children[0];
    NodeSpan args(cmd.children);
    switch (first.type) {
      case NodeType::kField:
        At(first);
        return EvalFieldChain(dot, first.idents, args, final);
      case NodeType::kChain:
        return EvalChain(dot, first, args, final);
      case NodeType::kIdentifier:
        return EvalFunction(dot, first, cmd, args, final);
      case NodeType::kPipe:
        NotAFunction(args, final);
        if (failed()) return {};
        return EvalPipeline(dot, first);
      case NodeType::kVariable:
        return EvalVariable(first, args, final);
      default:
        break;
    }
    At(first);
    NotAFunction(args, final);
    if (failed()) return {};
    switch (first.type) {
      case NodeType::kBool:
        return Value::Bool(first.bool_val);
      case NodeType::kDot:
        return dot;
      case NodeType::kNil:
        Errorf("nil is not a command");
        return {};
      case NodeType::kNumber:
        return IdealConstant(first);
      case NodeType::kString:
        return Value::String(first.str);
      default:
        Errorf("can't evaluate command " + GoQuote(NodeString(first)));
        return {};
    }
  }

  // A number literal where no type is implied: float if it looks like one, else int.
  Value IdealConstant(const Node& n) {
    At(n);
    const std::string& text = n.text;
    bool hex_int = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X') &&
                   text.find_first_of("pP") == std::string::npos;
    bool rune_int = !text.empty() && text[0] == '\'';
    if (n.is_float && !hex_int && !rune_int && text.find_first_of(".eEpP") != std::string::npos) {
      return Value::Float(n.float_val);
    }
    if (n.is_int) return Value::Int(n.int_val);
    if (n.is_uint) Errorf(text + " overflows int");
    return {};
  }

  Value EvalChain(const Value& dot, const Node& chain, NodeSpan args, const Value* final) {
    At(chain);
    if (chain.pipe->type == NodeType::kNil) {
      Errorf("indirection through explicit nil in " + NodeString(chain));
      return {};
    }
    Value receiver = EvalArg(dot, tmpl::ParamType::kAny, *chain.pipe);
    if (failed()) return {};
    return EvalFieldChain(receiver, chain.idents, args, final);
  }

  Value EvalVariable(const Node& var, NodeSpan args, const Value* final) {
    At(var);
    Value value = VarValue(var.idents[0]);
    if (failed()) return {};
    if (var.idents.size() == 1) {
      NotAFunction(args, final);
      return value;
    }
    return EvalFieldChain(value, std::span(var.idents).subspan(1), args, final);
  }

  // .X.Y.Z: every link but the last is a plain field access; the last gets the arguments.
  Value EvalFieldChain(Value receiver, std::span<const std::string> idents, NodeSpan args,
                       const Value* final) {
    for (std::size_t i = 0; i + 1 < idents.size(); ++i) {
      receiver = EvalField(idents[i], {}, nullptr, receiver);
      if (failed()) return {};
    }
    return EvalField(idents.back(), args, final, receiver);
  }

  Value EvalField(const std::string& name, NodeSpan args, const Value* final,
                  const Value& receiver) {
    if (receiver.kind == Kind::kInvalid) return {};
    bool has_args = args.size() > 1 || final != nullptr;
    if (receiver.kind == Kind::kData) {
      std::optional<Value> field = DataField(*receiver.data, name);
      if (field) {
        if (has_args) Errorf(name + " has arguments but cannot be invoked as function");
        return *field;
      }
    } else if (receiver.kind == Kind::kMap) {
      if (has_args) Errorf(name + " is not a method but has arguments");
      // Prometheus runs templates with missingkey=zero: a missing label is "".
      return Value::String(std::string(receiver.map->Get(name)));
    }
    Errorf("can't evaluate field " + name + " in type " + tmpl::TypeName(receiver));
    return {};
  }

  static std::optional<Value> DataField(const TemplateData& data, std::string_view name) {
    if (name == "Labels") return Value::Map(&data.labels);
    if (name == "ExternalLabels") return Value::Map(&data.external_labels);
    if (name == "ExternalURL") return Value::String(data.external_url);
    if (name == "Value") return Value::Float(data.value);
    return std::nullopt;
  }

  Value EvalFunction(const Value& dot, const Node& ident, const Node& call_node, NodeSpan args,
                     const Value* final) {
    At(ident);
    const tmpl::FuncSpec* spec = tmpl::FindFunction(ident.text);
    if (spec == nullptr) {
      Errorf(GoQuote(ident.text) + " is not a defined function");
      return {};
    }
    return EvalCall(dot, *spec, call_node, args.empty() ? args : args.subspan(1), final);
  }

  Value EvalCall(const Value& dot, const tmpl::FuncSpec& fn, const Node& node, NodeSpan args,
                 const Value* final) {
    const std::string name(fn.name);
    std::size_t num_in = args.size() + (final != nullptr ? 1 : 0);
    std::size_t num_fixed = args.size();
    if (fn.variadic) {
      num_fixed = fn.params.size() - 1;
      if (num_in < num_fixed) {
        Errorf("wrong number of args for " + name + ": want at least " + std::to_string(num_fixed) +
               " got " + std::to_string(args.size()));
        return {};
      }
    } else if (num_in != fn.params.size()) {
      Errorf("wrong number of args for " + name + ": want " + std::to_string(fn.params.size()) +
             " got " + std::to_string(num_in));
      return {};
    }
    if (fn.short_circuit) return EvalAndOr(dot, name == "or", args, final);
    std::vector<Value> argv;
    argv.reserve(num_in);
    for (std::size_t i = 0; i < args.size(); ++i) {
      tmpl::ParamType type = i < num_fixed ? fn.params[i] : fn.params.back();
      argv.push_back(EvalArg(dot, type, *args[i]));
      if (failed()) return {};
    }
    if (final != nullptr) {
      tmpl::ParamType type = fn.params.back();
      if (fn.variadic && num_in - 1 < num_fixed) type = fn.params[num_in - 1];
      argv.push_back(ValidateType(*final, type));
      if (failed()) return {};
    }
    Result<Value> result = fn.impl(argv, ctx_);
    if (!result.ok()) {
      At(node);
      Errorf("error calling " + name + ": " + result.error().message);
      return {};
    }
    return std::move(result).value();
  }

  // and/or evaluate their arguments lazily and return the deciding one.
  Value EvalAndOr(const Value& dot, bool is_or, NodeSpan args, const Value* final) {
    Value v;
    for (const auto& arg : args) {
      v = EvalArg(dot, tmpl::ParamType::kAny, *arg);
      if (failed()) return {};
      if (tmpl::IsTrue(v) == is_or) return v;
    }
    if (final != nullptr) v = *final;
    return v;
  }

  Value EvalArg(const Value& dot, tmpl::ParamType type, const Node& n) {
    At(n);
    switch (n.type) {
      case NodeType::kDot:
        return ValidateType(dot, type);
      case NodeType::kNil:
        if (type != tmpl::ParamType::kAny) Errorf("cannot assign nil to string");
        return {};
      case NodeType::kField: {
        Value v = EvalFieldChain(dot, n.idents, {}, nullptr);
        return failed() ? Value{} : ValidateType(v, type);
      }
      case NodeType::kVariable: {
        Value v = EvalVariable(n, {}, nullptr);
        return failed() ? Value{} : ValidateType(v, type);
      }
      case NodeType::kPipe: {
        Value v = EvalPipeline(dot, n);
        return failed() ? Value{} : ValidateType(v, type);
      }
      case NodeType::kIdentifier: {
        Value v = EvalFunction(dot, n, n, {}, nullptr);
        return failed() ? Value{} : ValidateType(v, type);
      }
      case NodeType::kChain: {
        Value v = EvalChain(dot, n, {}, nullptr);
        return failed() ? Value{} : ValidateType(v, type);
      }
      default:
        break;
    }
    if (type == tmpl::ParamType::kString) {
      if (n.type == NodeType::kString) return Value::String(n.str);
      Errorf("expected string; found " + NodeString(n));
      return {};
    }
    switch (n.type) {
      case NodeType::kBool:
        return Value::Bool(n.bool_val);
      case NodeType::kNumber:
        return IdealConstant(n);
      case NodeType::kString:
        return Value::String(n.str);
      default:
        Errorf("can't handle assignment of " + NodeString(n) + " to empty interface argument");
        return {};
    }
  }

  Value ValidateType(const Value& value, tmpl::ParamType type) {
    if (type == tmpl::ParamType::kAny) return value;
    if (value.kind == Kind::kInvalid) {
      Errorf("invalid value; expected string");
    } else if (value.kind != Kind::kString) {
      Errorf("wrong type for value; expected string; got " + tmpl::TypeName(value));
    }
    return value;
  }

  void PrintValue(const Node& node, const Value& value) {
    At(node);
    Write(tmpl::FormatValue(value, "<no value>"));
  }

  const std::string& name_;
  std::string exec_name_;  // The template being executed: name_ or a {{define}}d one.
  std::string_view text_;
  const TreeSet& trees_;
  const TemplateData& data_;
  int template_depth_ = 0;
  tmpl::CallContext ctx_;
  std::vector<std::pair<std::string, Value>> vars_;
  const Node* at_ = nullptr;
  Flow flow_ = Flow::kNormal;
  std::uint64_t steps_ = 0;
  std::string out_;
  std::string error_;
};

}  // namespace

struct AlertTemplate::Impl {
  std::string name;
  std::string text;  // Prometheus's header followed by the user's template.
  TreeSet trees;     // The main template (under `name`) and the {{define}}d ones.
};

AlertTemplate::AlertTemplate(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AlertTemplate::~AlertTemplate() = default;
AlertTemplate::AlertTemplate(AlertTemplate&&) noexcept = default;
AlertTemplate& AlertTemplate::operator=(AlertTemplate&&) noexcept = default;

Result<AlertTemplate> AlertTemplate::Parse(std::string_view name, std::string_view text) {
  auto impl = std::make_unique<Impl>();
  impl->name = std::string(name);
  impl->text = std::string(kHeader) + std::string(text);
  Parser parser(impl->name, impl->text);
  if (!parser.Parse()) return Error{parser.error()};
  impl->trees = std::move(parser.trees());
  return AlertTemplate(std::move(impl));
}

Result<std::string> AlertTemplate::Execute(const TemplateData& data) const {
  Executor executor(impl_->name, impl_->text, impl_->trees, data);
  Result<std::string> out = executor.Run();
  if (!out.ok()) {
    return Error{"error executing template " + impl_->name + ": " + out.error().message};
  }
  return out;
}

std::string ExpandTemplate(std::string_view name, std::string_view text, const TemplateData& data) {
  Result<AlertTemplate> tmpl = AlertTemplate::Parse(name, text);
  if (!tmpl.ok()) {
    return "<error expanding template: error parsing template " + std::string(name) + ": " +
           tmpl.error().message + ">";
  }
  Result<std::string> out = tmpl->Execute(data);
  if (!out.ok()) return "<error expanding template: " + out.error().message + ">";
  return std::move(out).value();
}

}  // namespace opsagent::rules
