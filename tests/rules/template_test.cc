// Alert templates: Go text/template semantics and Prometheus's functions, checked against
// promtool 2.42. Every expected string in the tables below was printed by `promtool test rules`
// (or `promtool check rules` for parse errors) for the same template, value and labels;
// tests/rules/template_promtool_check.py re-runs promtool on these tables and reports any
// difference (run it after editing a table).
#include "rules/template.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace opsagent::rules {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr char kName[] = "__alert_T";

struct TemplateCase {
  double value;
  const char* text;
  const char* want;
};

struct ParseCase {
  const char* text;
  const char* want_error;  // Empty: parses.
};

// The series and external labels of the promtool test that produced the expectations.
TemplateData Data(double value) {
  TemplateData data;
  data.labels =
      Labels::FromPairs({{"instance", "host:9100"}, {"job", "node"}, {"severity", "critical"}});
  data.external_labels = Labels::FromPairs({{"cluster", "prod"}, {"region", "eu"}});
  data.value = value;
  return data;
}

template <std::size_t N>
void ExpectExpansions(const TemplateCase (&cases)[N]) {
  for (const TemplateCase& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(ExpandTemplate(kName, c.text, Data(c.value)), c.want);
  }
}

// Basics: expectations printed by promtool 2.42 (`promtool test rules`).
const TemplateCase kBasics[] = {
    {1000000.0, "{{ $value }}", "1e+06"},
    {123456789.0, "{{ $value }}", "1.23456789e+08"},
    {1e+20, "{{ $value }}", "1e+20"},
    {100000.0, "{{ $value }}", "100000"},
    {0.30000000000000004, "{{ $value }}", "0.30000000000000004"},
    {-0.00012, "{{ $value }}", "-0.00012"},
    {1.0, "{{ .Labels.nothere }}|{{ index $labels \"nothere\" }}|{{ $labels }}|{{ . }}",
     "||map[instance:host:9100 job:node severity:critical]|{map[instance:host:9100 job:node "
     "severity:critical] map[cluster:prod region:eu]  1}"},
    {1.0, "{{ $externalLabels }} {{ $externalURL }} {{ .ExternalURL }}",
     "map[cluster:prod region:eu]  "},
    {1.0,
     "{{ printf \"%v %d %5.2f|%-6s|%6s|%x %X %q %e %g %08.3f %+d %t\" 1.5 42 3.14159 \"ab\" \"cd\" "
     "255 \"hi\" \"x\\\"y\" 1234.5678 0.000012345 3.14159 5 true }}",
     "1.5 42  3.14|ab    |    cd|ff 6869 \"x\\\"y\" 1.234568e+03 1.2345e-05 0003.142 +5 true"},
    {1.0,
     "{{ printf \"%d\" 1.5 }} {{ printf \"%s\" 3 }} {{ printf \"%d %d\" 1 }} {{ printf \"%d\" 1 2 "
     "}} {{ printf \"%z\" 1 }} {{ printf \"%!\" }} {{ printf \"%s\" nil }}",
     "%!d(float64=1.5) %!s(int=3) 1 %!d(MISSING) 1%!(EXTRA int=2) %!z(int=1) %!!(MISSING) "
     "%!s(<nil>)"},
    {1.0, "{{ printf \"%v %v %v\" $labels true nil }}",
     "map[instance:host:9100 job:node severity:critical] true <nil>"},
    {kNaN,
     "{{ $value }} {{ humanize $value }} {{ printf \"%f %.2f %v %5.1f\" $value $value $value "
     "$value }}",
     "NaN NaN NaN NaN NaN   NaN"},
    {kInf,
     "{{ $value }} {{ humanize $value }} {{ printf \"%f %.2f %v %e %g\" $value $value $value "
     "$value $value }}",
     "+Inf +Inf +Inf +Inf +Inf +Inf +Inf"},
    {-kInf, "{{ $value }} {{ humanizeDuration $value }}", "-Inf -Inf"},
};

// Humanize: expectations printed by promtool 2.42 (`promtool test rules`).
const TemplateCase kHumanize[] = {
    {0.0,
     "{{ humanize $value }}|{{ humanize1024 $value }}|{{ humanizeDuration $value }}|{{ "
     "humanizePercentage $value }}|{{ humanizeTimestamp $value }}",
     "0|0|0s|0%|1970-01-01 00:00:00 +0000 UTC"},
    {1.0,
     "{{ humanize $value }}|{{ humanize1024 $value }}|{{ humanizeDuration $value }}|{{ "
     "humanizePercentage $value }}|{{ humanizeTimestamp $value }}",
     "1|1|1s|100%|1970-01-01 00:00:01 +0000 UTC"},
    {-1.0,
     "{{ humanize $value }}|{{ humanize1024 $value }}|{{ humanizeDuration $value }}|{{ "
     "humanizePercentage $value }}|{{ humanizeTimestamp $value }}",
     "-1|-1|-1s|-100%|1969-12-31 23:59:59 +0000 UTC"},
    {1234567.0,
     "{{ humanize $value }}|{{ humanize1024 $value }}|{{ humanizeDuration $value }}|{{ "
     "humanizePercentage $value }}|{{ humanizeTimestamp $value }}",
     "1.235M|1.177Mi|14d 6h 56m 7s|1.235e+08%|1970-01-15 06:56:07 +0000 UTC"},
    {0.000123,
     "{{ humanize $value }}|{{ humanize1024 $value }}|{{ humanizeDuration $value }}|{{ "
     "humanizePercentage $value }}|{{ humanizeTimestamp $value }}",
     "123u|0.000123|123us|0.0123%|1970-01-01 00:00:00 +0000 UTC"},
    {-0.0456,
     "{{ humanize $value }}|{{ humanize1024 $value }}|{{ humanizeDuration $value }}|{{ "
     "humanizePercentage $value }}|{{ humanizeTimestamp $value }}",
     "-45.6m|-0.0456|-45.6ms|-4.56%|1969-12-31 23:59:59.955 +0000 UTC"},
    {1e+30,
     "{{ humanize $value }}|{{ humanize1024 $value }}|{{ humanizeDuration $value }}|{{ "
     "humanizePercentage $value }}",
     "1e+06Y|8.272e+05Yi|-106751991167300d -15h -30m -8s|1e+32%"},
    {1e-30,
     "{{ humanize $value }}|{{ humanize1024 $value }}|{{ humanizeDuration $value }}|{{ "
     "humanizePercentage $value }}",
     "1e-06y|1e-30|1e-06ys|1e-28%"},
    {90061.5, "{{ humanizeDuration $value }}|{{ humanizeTimestamp $value }}",
     "1d 1h 1m 1s|1970-01-02 01:01:01.5 +0000 UTC"},
    {-3725.0, "{{ humanizeDuration $value }}|{{ humanizeTimestamp $value }}",
     "-1h 2m 5s|1969-12-31 22:57:55 +0000 UTC"},
    {59.999, "{{ humanizeDuration $value }}|{{ humanize $value }}", "60s|60"},
    {1.5,
     "{{ humanizeDuration $value }}|{{ humanize1024 1536 }}|{{ humanize1024 \"1048576\" }}|{{ "
     "humanize \"1e3\" }}",
     "1.5s|1.5ki|1Mi|1k"},
    {1700000000.123456, "{{ humanizeTimestamp $value }}|{{ $value }}",
     "2023-11-14 22:13:20.123 +0000 UTC|1.700000000123456e+09"},
    {-1.5, "{{ humanizeTimestamp $value }}", "1969-12-31 23:59:58.5 +0000 UTC"},
    {1000000000000.0, "{{ humanizeTimestamp $value }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <humanizeTimestamp $value>: error calling humanizeTimestamp: "
     "1e+12 cannot be represented as a nanoseconds timestamp since it overflows int64>"},
    {10000000000.0, "{{ humanizeTimestamp $value }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <humanizeTimestamp $value>: error calling humanizeTimestamp: "
     "1e+10 cannot be represented as a nanoseconds timestamp since it overflows int64>"},
    {1.0, "{{ humanize \"abc\" }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <humanize \"abc\">: error calling humanize: strconv.ParseFloat: "
     "parsing \"abc\": invalid syntax>"},
    {1.0, "{{ humanize true }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <humanize true>: error calling humanize: can't convert bool to "
     "float>"},
    {1.0, "{{ humanize nil }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <humanize nil>: error calling humanize: can't convert <nil> to "
     "float>"},
    {1.0, "{{ humanize $labels }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <humanize $labels>: error calling humanize: can't convert "
     "map[string]string to float>"},
    {1.0,
     "{{ humanizePercentage 0.12345 }} {{ humanizePercentage \"0.5\" }} {{ humanizeDuration "
     "\"3600\" }} {{ humanize 1023 }} {{ humanize1024 1023.5 }}",
     "12.35% 50% 1h 0m 0s 1.023k 1024"},
    {1.0,
     "{{ humanize \"Inf\" }} {{ humanize \"-inf\" }} {{ humanize \"nan\" }} {{ humanize \"1e999\" "
     "}}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:179: "
     "executing \"__alert_T\" at <humanize \"1e999\">: error calling humanize: strconv.ParseFloat: "
     "parsing \"1e999\": value out of range>"},
    {999.95, "{{ humanize $value }}|{{ humanize1024 $value }}", "1000|1000"},
    {999950.0, "{{ humanize $value }}", "1000k"},
    {1023.99, "{{ humanize1024 $value }}", "1024"},
    {0.0009999, "{{ humanize $value }}|{{ humanizeDuration $value }}", "999.9u|999.9us"},
    {0.5, "{{ humanizeDuration $value }}", "500ms"},
};

// Builtins: expectations printed by promtool 2.42 (`promtool test rules`).
const TemplateCase kBuiltins[] = {
    {1.0,
     "{{ if eq $labels.severity \"critical\" }}CRIT{{ else if eq $labels.severity \"warning\" "
     "}}WARN{{ else }}other{{ end }}",
     "CRIT"},
    {1.0, "{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}",
     "instance=host:9100;job=node;severity=critical;"},
    {1.0,
     "{{ range $labels }}[{{ . }}]{{ end }}|{{ range $k, $v := .ExternalLabels }}{{ $k }}{{ end }}",
     "[host:9100][node][critical]|clusterregion"},
    {1.0,
     "{{ range $i, $v := $labels }}{{ if eq $i \"job\" }}{{ continue }}{{ end }}{{ if eq $i "
     "\"severity\" }}{{ break }}{{ end }}{{ $v }}{{ end }}",
     "host:9100"},
    {1.0,
     "{{ with $labels.instance }}inst={{ . }}{{ else }}none{{ end }} {{ with $labels.nope }}x{{ "
     "else }}none{{ end }}",
     "inst=host:9100 none"},
    {1.0, "a  {{- \" b \" -}}  c {{- /* comment */ -}} d {{/* x */}} e", "a b cd  e"},
    {1.0, "{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ $y := 3 }}{{ end }}{{ $x }}", "2"},
    {1.0,
     "{{ and 1 0 \"x\" }}|{{ and 1 2 }}|{{ or 0 \"\" \"z\" }}|{{ or 0 \"\" }}|{{ not 0 }}|{{ not "
     "\"a\" }}|{{ and }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:205: "
     "executing \"__alert_T\" at <and>: wrong number of args for and: want at least 1 got 0>"},
    {1.0,
     "{{ eq 1 1 }}|{{ eq \"a\" \"b\" \"a\" }}|{{ ne 1 2 }}|{{ lt 1 2 }}|{{ le 2 2 }}|{{ gt \"b\" "
     "\"a\" }}|{{ ge 1.5 2.5 }}",
     "true|true|true|true|true|true|false"},
    {1.0, "{{ eq $value 1 }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <eq $value 1>: error calling eq: incompatible types for "
     "comparison>"},
    {1.0, "{{ eq $value 1.0 }}|{{ gt $value 0.5 }}|{{ lt $value 0.5 }}", "true|true|false"},
    {1.0, "{{ lt true false }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <lt true false>: error calling lt: invalid type for comparison>"},
    {1.0, "{{ eq $labels $labels }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <eq $labels $labels>: error calling eq: non-comparable type "
     "map[instance:host:9100 job:node severity:critical]: map[string]string>"},
    {1.0, "{{ len $labels }}|{{ len \"héllo\" }}|{{ len 3 }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:152: "
     "executing \"__alert_T\" at <len 3>: error calling len: len of type int>"},
    {1.0,
     "{{ index $labels \"job\" }}|{{ index $labels \"nope\" }}|{{ index \"abc\" 1 }}|{{ index "
     "$labels 1 }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:188: "
     "executing \"__alert_T\" at <index $labels 1>: error calling index: value has type int; "
     "should be string>"},
    {1.0, "{{ index \"abc\" 5 }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <index \"abc\" 5>: error calling index: index out of range: 5>"},
    {1.0, "{{ index nil }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <index nil>: error calling index: index of untyped nil>"},
    {1.0, "{{ print 1 2 \"a\" 3 \"b\" \"c\" 4.5 true nil }}|{{ println 1 \"a\" }}|{{ print }}",
     "1 2a3bc4.5 true <nil>|1 a\n|"},
    {1.0,
     "{{ printf \"%5.1f%%\" 99.123 }}|{{ printf \"%-8s|\" \"ab\" }}|{{ printf "
     "\"%08d|%+.3e|%x|%X|%o|%b\" -42 12345.678 -255 3054 8 5 }}",
     " 99.1%|ab      ||-0000042|+1.235e+04|-ff|BEE|10|101"},
    {1.0,
     "{{ printf \"%s\" $labels }}|{{ printf \"%d\" $labels }}|{{ printf \"%v\" . }}|{{ printf \"%T "
     "%T %T %T\" 1 1.5 \"s\" $labels }}",
     "map[instance:host:9100 job:node "
     "severity:critical]|map[%!d(string=instance):%!d(string=host:9100) "
     "%!d(string=job):%!d(string=node) "
     "%!d(string=severity):%!d(string=critical)]|{map[instance:host:9100 job:node "
     "severity:critical] map[cluster:prod region:eu]  1}|int float64 string map[string]string"},
    {1.0,
     "{{ printf \"%q %q\" 65 \"a\\tb\" }}|{{ printf \"%c%c\" 72 105 }}|{{ printf \"%U\" 9731 }}|{{ "
     "printf \"%6.2q\" \"hello\" }}",
     "'A' \"a\\tb\"|Hi|U+2603|  \"he\""},
    {1.0, "{{ printf \"%*d|%-*d|%.*f\" 5 42 4 7 2 3.14159 }}|{{ printf \"%*d\" \"x\" 1 }}",
     "   42|7   |3.14|%!(BADWIDTH)1"},
    {1.0, "{{ printf \"% d|% x|%#x|%#o|% .2f|%+q\" 5 \"hi\" 255 8 2.5 \"é\" }}",
     " 5|68 69|0xff|010| 2.50|\"\\u00e9\""},
    {1.0,
     "{{ printf \"%.0f %.0f %.0f %.1f\" 0.5 1.5 2.5 0.25 }}|{{ printf \"%g %g %g %G\" 1e6 1e-5 "
     "123456789.0 1e-7 }}|{{ printf \"%e\" 0.0 }}|{{ printf \"%v\" -0.0 }}",
     "0 2 2 0.2|1e+06 1e-05 1.23456789e+08 1E-07|0.000000e+00|-0"},
    {1.0,
     "{{ printf \"%.3s|%.10s|%5.2s|\" \"abcdef\" \"ab\" \"xyz\" }}|{{ printf \"%t %v\" true false "
     "}}|{{ printf \"%d\" true }}",
     "abc|ab|   xy||true false|%!d(bool=true)"},
    {1.0, "{{ printf \"%08.3f|%-8.2f|%+08.2f|% 8.2f\" -3.14159 2.5 2.5 -2.5 }}",
     "-003.142|2.50    |+0002.50|   -2.50"},
    {1.0, "{{ printf \"%6d|%-6d|%06d|%.3d|%+.3d|%x\" 42 42 -42 7 7 \"é\" }}",
     "    42|42    |-00042|007|+007|c3a9"},
    {1.0, "{{ printf \"%3c|%-4q|%#q|%#v\" 65 66 \"a`b\" \"x\" }}", "  A|'B' |\"a`b\"|\"x\""},
    {1.0,
     "{{ .Value }}|{{ .Labels.job }}|{{ .ExternalLabels.cluster }}|{{ $externalLabels.region }}|{{ "
     ".Nope }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:205: "
     "executing \"__alert_T\" at <.Nope>: can't evaluate field Nope in type struct { Labels "
     "map[string]string; ExternalLabels map[string]string; ExternalURL string; Value float64 }>"},
    {1.0, "{{ $labels.job.x }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:122: "
     "executing \"__alert_T\" at <$labels.job.x>: can't evaluate field x in type string>"},
    {1.0, "{{ .Value.x }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:121: "
     "executing \"__alert_T\" at <.Value.x>: can't evaluate field x in type float64>"},
    {1.0, "{{ .Labels.job \"a\" }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:122: "
     "executing \"__alert_T\" at <.Labels.job>: job is not a method but has arguments>"},
    {1.0,
     "{{ \"a\" | printf \"%s-%s\" \"b\" }}|{{ $value | printf \"%.2f\" }}|{{ 3 | printf \"%d %d\" "
     "1 }}",
     "b-a|1.00|1 3"},
    {1.0, "{{ \"abc\" | len }}|{{ $labels | len }}|{{ humanize 1500 | printf \"%s!\" }}",
     "3|3|1.5k!"},
    {1.0, "{{ nil }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <nil>: nil is not a command>"},
    {1.0, "{{ 1 2 }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <1>: can't give argument to non-function 1>"},
    {1.0, "{{ $x := \"a\" }}{{ $x 1 }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:130: "
     "executing \"__alert_T\" at <$x>: can't give argument to non-function $x>"},
    {1.0, "{{ (1) 2 }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <(1) 2>: can't give argument to non-function 1>"},
    {1.0, "{{ printf 1 }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:122: "
     "executing \"__alert_T\" at <1>: expected string; found 1>"},
    {1.0, "{{ title 5 }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:121: "
     "executing \"__alert_T\" at <5>: expected string; found 5>"},
    {1.0, "{{ title $value }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:121: "
     "executing \"__alert_T\" at <$value>: wrong type for value; expected string; got float64>"},
    {1.0, "{{ title nil }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:121: "
     "executing \"__alert_T\" at <nil>: cannot assign nil to string>"},
    {1.0, "{{ humanize }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <humanize>: wrong number of args for humanize: want 1 got 0>"},
    {1.0, "{{ humanize 1 2 }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <humanize>: wrong number of args for humanize: want 1 got 2>"},
    {1.0,
     "{{ title \"hello wORLD foo-bar_baz x.y\" }}|{{ toUpper \"abc-é\" }}|{{ toLower \"ABC\" }}",
     "Hello WORLD Foo-Bar_baz X.Y|ABC-É|abc"},
    {1.0,
     "{{ match \"^ho\" $labels.instance }}|{{ match \"ost\" \"host\" }}|{{ match \"^ost\" \"host\" "
     "}}|{{ match \"(\" \"x\" }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:201: "
     "executing \"__alert_T\" at <match \"(\" \"x\">: error calling match: error parsing regexp: "
     "missing closing ): `(`>"},
    {1.0,
     "{{ reReplaceAll \"(.*):(\\\\d+)\" \"$2 on $1\" $labels.instance }}|{{ reReplaceAll \"a*\" "
     "\"-\" \"baaac\" }}|{{ reReplaceAll \"x\" \"$1y\" \"axb\" }}|{{ reReplaceAll "
     "\"(?P<h>\\\\w+):\" \"${h}=\" \"a:b\" }}|{{ reReplaceAll \"o\" \"$$\" \"foo\" }}",
     "9100 on host|-b-c-|ab|a=b|f$$"},
    {1.0, "{{ reReplaceAll \"(\" \"x\" \"y\" }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <reReplaceAll \"(\" \"x\" \"y\">: error calling reReplaceAll: "
     "regexp: Compile(`(`): error parsing regexp: missing closing ): `(`>"},
    {1.0,
     "{{ stripPort \"host:9100\" }}|{{ stripPort \"[::1]:80\" }}|{{ stripPort \"host\" }}|{{ "
     "stripPort \"a:b:c\" }}|{{ stripPort \"1.2.3.4:5\" }}",
     "host|::1|host|a:b:c|1.2.3.4"},
    {1.0,
     "{{ stripDomain \"foo.example.com:9100\" }}|{{ stripDomain \"foo.example.com\" }}|{{ "
     "stripDomain \"1.2.3.4:5\" }}|{{ stripDomain \"[::1]:80\" }}",
     "foo:9100|foo|1.2.3.4:5|[::1]:80"},
    {1.0,
     "{{ safeHtml \"<b>\" }}|{{ html \"<a href='x'>&\" }}|{{ urlquery \"a b&c/d\" }}|{{ "
     "parseDuration \"1h30m\" }}|{{ parseDuration \"1d2h3m4s5ms\" }}|{{ parseDuration \"0\" }}",
     "<b>|&lt;a href=&#39;x&#39;&gt;&amp;|a+b%26c%2Fd|5400|93784.005|0"},
    {1.0, "{{ parseDuration \"x\" }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <parseDuration \"x\">: error calling parseDuration: not a valid "
     "duration string: \"x\">"},
    {1.0,
     "{{ 'a' }}|{{ 0x1F }}|{{ 1_000 }}|{{ 010 }}|{{ 0b101 }}|{{ 1e3 }}|{{ -5 }}|{{ +5 }}|{{ .5 "
     "}}|{{ 0x1p4 }}|{{ 0o17 }}",
     "97|31|1000|8|5|1000|-5|5|0.5|16|15"},
    {1.0, "{{ 1.5 | printf \"%v\" }}|{{ true }}|{{ \"s\" }}|{{ `raw\n` }}", "1.5|true|s|raw\n"},
    {1.0, "{{ $labels.instance | reReplaceAll \":.*\" \"\" }}", "host"},
    {1.0, "{{ if and (gt $value 0.5) (eq $labels.job \"node\") }}yes{{ end }}", "yes"},
    {1.0, "{{ range $labels }}{{ $labels.job }}{{ end }}", "nodenodenode"},
    {1.0, "{{ range $k, $v := $value }}{{ end }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:131: "
     "executing \"__alert_T\" at <$value>: range can't iterate over 1>"},
    {1.0, "{{ range $x := \"abc\" }}{{ end }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:127: "
     "executing \"__alert_T\" at <\"abc\">: range can't iterate over abc>"},
    {1.0, "{{ range $k, $v := .Labels.nope }}{{ else }}empty{{ end }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:138: "
     "executing \"__alert_T\" at <.Labels.nope>: range can't iterate over >"},
    {1.0, "{{ with . }}{{ .Value }}{{ end }}|{{ with $value }}{{ . }}{{ end }}", "1|1"},
    {1.0, "{{ $ }}|{{ $.Value }}|{{ $.Labels.job }}",
     "{map[instance:host:9100 job:node severity:critical] map[cluster:prod region:eu]  1}|1|node"},
    {1.0, "{{ . }}",
     "{map[instance:host:9100 job:node severity:critical] map[cluster:prod region:eu]  1}"},
    {1.0,
     "{{ printf \"%v\" nil }}|{{ printf \"%d\" nil }}|{{ printf \"%s\" }}|{{ printf \"%\" }}|{{ "
     "printf \"%-\" 1 }}|{{ printf \"%.2\" 1.0 }}",
     "<nil>|%!d(<nil>)|%!s(MISSING)|%!(NOVERB)|%!(NOVERB)%!(EXTRA int=1)|%!(NOVERB)%!(EXTRA "
     "float64=1)"},
    {1.0, "{{ eq nil nil }}|{{ eq \"a\" nil }}", "true|false"},
    {1.0, "{{ eq 1 }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <eq 1>: error calling eq: missing argument for comparison>"},
    {1.0, "{{ not }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <not>: wrong number of args for not: want 1 got 0>"},
    {1.0, "{{ safeHtml \"a\" | printf \"%s\" }}|{{ title (safeHtml \"a\") }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:164: "
     "executing \"__alert_T\" at <\"a\">: wrong type for value; expected string; got "
     "template.HTML>"},
    {1.0, "{{ lt 1 \"a\" }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <lt 1 \"a\">: error calling lt: incompatible types for "
     "comparison>"},
    {1.0, "{{ eq 1 \"a\" }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <eq 1 \"a\">: error calling eq: incompatible types for "
     "comparison>"},
    {1.0, "{{ index $labels \"job\" \"x\" }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <index $labels \"job\" \"x\">: error calling index: cannot index "
     "slice/array with type string>"},
};

// Semantics: expectations printed by promtool 2.42 (`promtool test rules`).
const TemplateCase kSemantics[] = {
    {1.0, "line1\n{{ .Nope }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:2:3: "
     "executing \"__alert_T\" at <.Nope>: can't evaluate field Nope in type struct { Labels "
     "map[string]string; ExternalLabels map[string]string; ExternalURL string; Value float64 }>"},
    {1.0, "a\nb\n  {{ humanize \"x\" }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:3:5: "
     "executing \"__alert_T\" at <humanize \"x\">: error calling humanize: strconv.ParseFloat: "
     "parsing \"x\": invalid syntax>"},
    {1.0, "{{ if $x := $labels.job }}{{ $x }}{{ end }}", "node"},
    {1.0, "{{ if $x := $labels.nope }}{{ $x }}{{ else }}no{{ $x }}{{ end }}", "no"},
    {1.0, "{{ ($labels).job }}|{{ (index $labels \"job\") }}|{{ (printf \"%s\" \"x\") | len }}",
     "node|node|1"},
    {1.0, "{{ (.Labels).nope.x }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:116: "
     "executing \"__alert_T\" at <.Labels>: can't evaluate field x in type string>"},
    {1.0, "{{ $x := $labels }}{{ $x.job }}{{ $x.nope }}", "node"},
    {1.0, "{{- \"a\" }}  \n  {{- \"b\" -}}  \n  c", "abc"},
    {1.0, "x {{- 3 }}|{{ 3 -}} y|{{ -3 }}|{{3}}|{{-3}}", "x3|3y|-3|3|-3"},
    {1.0,
     "{{ \"héllo wörld\" | title }}|{{ toUpper \"straße ǆ\" }}|{{ toLower \"ÀÉÎ\" }}|{{ title "
     "\"élan vital\" }}",
     "Héllo Wörld|STRAßE Ǆ|àéî|Élan Vital"},
    {1.0,
     "{{ printf \"%x\" \"héllo\" }}|{{ printf \"% X\" \"ab\" }}|{{ printf \"%#x\" \"ab\" }}|{{ "
     "printf \"%q\" \"é\\x01\" }}|{{ printf \"%s\" \"\\u00e9\" }}",
     "68c3a96c6c6f|61 62|0x6162|\"é\\x01\"|é"},
    {1.0, "{{ printf \"%5t|%-7v|%07.2f|%7s\" true 1.5 -1.5 \"é\" }}",
     " true|1.5    |-001.50|      é"},
    {1.0,
     "{{ printf \"%v %v %v %v\" 1e21 1e20 123456.7 0.000001 }}|{{ printf \"%.3v\" 3.14159 }}|{{ "
     "printf \"%10.4v|\" 3.14159 }}",
     "1e+21 1e+20 123456.7 1e-06|3.14|     3.142|"},
    {1.0,
     "{{ printf \"%e %E %.2e %f %.10f %g %.3g %G\" 123.456 0.000123 -9.999 1e20 1.0 100000.0 "
     "0.0001234 1e300 }}",
     "1.234560e+02 1.230000E-04 -1.00e+01 100000000000000000000.000000 1.0000000000 100000 "
     "0.000123 1E+300"},
    {1.0,
     "{{ printf \"%b %o %#b %#X\" 10 64 5 255 }}|{{ printf \"%x %X\" 1.5 -1.5 }}|{{ printf \"%b\" "
     "1.0 }}",
     "1010 100 0b101 0XFF|0x1.8p+00 -0X1.8P+00|4503599627370496p-52"},
    {1.0, "{{ printf \"%d %d\" 9223372036854775807 -9223372036854775808 }}",
     "9223372036854775807 -9223372036854775808"},
    {1.0, "{{ 9223372036854775808 }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <9223372036854775808>: 9223372036854775808 overflows int>"},
    {1.0,
     "{{ printf \"%s %v\" (index \"abc\" 0) (index \"abc\" 1) }}|{{ printf \"%#v %T\" (index "
     "\"abc\" 0) (index \"abc\" 0) }}|{{ index \"abc\" 2 }}",
     "%!s(uint8=97) 98|0x61 uint8|99"},
    {1.0,
     "{{ printf \"%#v\" $labels }}|{{ printf \"%#v\" . }}|{{ printf \"%+v\" . }}|{{ printf \"%#v "
     "%#v %#v\" 1.0 \"s\" true }}",
     "map[string]string{\"instance\":\"host:9100\", \"job\":\"node\", "
     "\"severity\":\"critical\"}|struct { Labels map[string]string; ExternalLabels "
     "map[string]string; ExternalURL string; Value float64 "
     "}{Labels:map[string]string{\"instance\":\"host:9100\", \"job\":\"node\", "
     "\"severity\":\"critical\"}, ExternalLabels:map[string]string{\"cluster\":\"prod\", "
     "\"region\":\"eu\"}, ExternalURL:\"\", Value:1}|{Labels:map[instance:host:9100 job:node "
     "severity:critical] ExternalLabels:map[cluster:prod region:eu] ExternalURL: Value:1}|1 \"s\" "
     "true"},
    {1.0,
     "{{ len \"\" }}|{{ if \"\" }}t{{ else }}f{{ end }}|{{ if 0.0 }}t{{ else }}f{{ end }}|{{ if . "
     "}}t{{ end }}|{{ if .ExternalLabels }}t{{ end }}",
     "0|f|f|t|t"},
    {kNaN,
     "{{ if $value }}t{{ else }}f{{ end }}|{{ eq $value $value }}|{{ printf \"%5.2f|%-6v|%+v\" "
     "$value $value $value }}",
     "t|false|  NaN|NaN   |NaN"},
    {kInf, "{{ printf \"%08.2f|%+f|% f|%-6v|\" $value $value $value $value }}",
     "    +Inf|+Inf| Inf|+Inf  |"},
    {-kInf, "{{ printf \"%08.2f|%+f|% f\" $value $value $value }}", "    -Inf|-Inf|-Inf"},
    {1.0, "{{ $n := 0 }}{{ range $labels }}{{ $n = . }}{{ end }}{{ $n }}", "critical"},
    {1.0, "{{ range $v := $labels }}{{ $v }},{{ end }}", "host:9100,node,critical,"},
    {1.0, "{{ range $labels }}{{ range $externalLabels }}{{ . }}{{ end }};{{ end }}",
     "prodeu;prodeu;prodeu;"},
    {1.0, "{{ with $labels.job }}{{ with $labels.instance }}{{ . }}{{ end }}{{ end }}",
     "host:9100"},
    {1.0, "{{ with $x := 5 }}{{ $x }}{{ . }}{{ end }}", "55"},
    {1.0, "{{ and (eq 1 1) (humanize \"bad\") }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:129: "
     "executing \"__alert_T\" at <humanize \"bad\">: error calling humanize: strconv.ParseFloat: "
     "parsing \"bad\": invalid syntax>"},
    {1.0, "{{ or (eq 1 1) (humanize \"bad\") }}", "true"},
    {1.0, "{{ and 0 (humanize \"bad\") }}|{{ 1 | and 2 }}|{{ 0 | or \"\" }}|{{ \"x\" | or 0 }}",
     "0|1|0|x"},
    {1.0, "{{ not 1 2 }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <not>: wrong number of args for not: want 1 got 2>"},
    {1.0, "{{ printf \"%s\" 1 2 | printf \"%s\" }}", "%!s(int=1)%!(EXTRA int=2)"},
    {1.0, "{{ .Labels.job | printf \"%s\" | printf \"[%s]\" }}", "[node]"},
    {1.0, "{{ $labels.instance | stripPort | toUpper }}", "HOST"},
    {1.0, "{{ index $externalLabels \"cluster\" | printf \"%q\" }}", "\"prod\""},
};

// FloatBits: expectations printed by promtool 2.42 (`promtool test rules`).
const TemplateCase kFloatBits[] = {
    {1.0,
     "{{ printf \"%x %X %b\" 1.5 -1.5 1.0 }}|{{ printf \"%.2x|%x|%x|%.0x|%b\" 3.14159 0.1 1e300 "
     "1.0 -0.75 }}|{{ printf \"%x\" 0.0 }}|{{ printf \"%x %b\" 5e-324 5e-324 }}",
     "0x1.8p+00 -0X1.8P+00 "
     "4503599627370496p-52|0x1.92p+01|0x1.999999999999ap-04|0x1.7e43c8800759cp+996|0x1p+00|-"
     "6755399441055744p-53|0x0p+00|0x1p-1074 1p-1074"},
};

// Generated (random templates from a grammar of the supported subset): expectations printed by
// promtool 2.42 (`promtool test rules`).
const TemplateCase kGenerated[] = {
    {kInf,
     "é{{ lt .Labels.instance . | and true | ne $labels.nope }}{{ with or .ExternalLabels . "
     "((toLower 0) | reReplaceAll \"x\" \"${2}/$1\") | humanize  -}}  a  {{ printf \"%g-%T %.2f \" "
     "$labels (toLower (print (toUpper \"  x  \" | match \"x\" | urlquery)))  -}}\n{{ end }}{{ "
     "humanizeTimestamp .Labels.instance  -}}val=",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:117: "
     "executing \"__alert_T\" at <lt .Labels.instance .>: error calling lt: invalid type for "
     "comparison>"},
    {-0.25,
     " | {{ $x := ge -3 (printf \"%6s| %e-%x \" (toUpper .ExternalLabels | html) | and . (html $ | "
     "title)) | humanizeTimestamp | humanizeDuration }}  a  {{- /* c */ -}} | ",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:161: "
     "executing \"__alert_T\" at <.ExternalLabels>: wrong type for value; expected string; got "
     "map[string]string>"},
    {kInf, "{{ printf \"%.0f-%G-\" 0 | stripDomain }}", "%!f(int=)-%!G(MISSING)-"},
    {259205.5,
     "x{{ printf \"%s-%6s| \" $externalURL (\"\" | and .Value) }}x{{ range $k, $v := \"s\" }}é{{ "
     "printf \"%-6s| \" $value \"host:80\" true | len  -}}é{{ \"ABC def\" }} {{ end }}{{ if printf "
     "\"%b \" false \"abc\" $  -}}\n{{ (print .Labels.instance).job }}{{-  $x := ge (index $labels "
     "`raw`) $value | eq $externalLabels.cluster 1e-9  -}} {{-  printf \"% d%v \" \"  x  \" "
     ".ExternalLabels | toLower | humanizeDuration }}val={{ else if index $labels \"[::1]:9\" | "
     "print }} | {{/* c */}} | {{ with printf \"%G-%+.2e %.2f\" 1.5 (lt 0x1F (html (1.5) | or 1e-9 "
     "$labels)) 0 | humanizePercentage }} {{ println \"ABC def\" | println  -}}val={{ else }}{{ $x "
     ":= toLower .Labels.instance  -}}val={{-  le (.ExternalLabels | title) 0x1F | le 0x1F | lt $x "
     " -}}val={{ end }} {{ else }}  a  {{ humanizeDuration .Value | urlquery  -}} {{-  index "
     ".ExternalLabels \"1e3\" | ge 100000 | humanizeDuration }}x{{ end }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:187: "
     "executing \"__alert_T\" at <\"s\">: range can't iterate over s>"},
    {0.0,
     "é{{ $value  -}}é{{ $y := printf \"%#x%c\" }} | {{ humanize \"1.5\" | html | le -2.25 }}\n",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:186: "
     "executing \"__alert_T\" at <le -2.25>: error calling le: incompatible types for comparison>"},
    {123456789.0,
     " {{-  with printf \"%e %.3g-\" $externalLabels.cluster }}{{ (stripDomain \"x.y.z:1\" | "
     "humanizeDuration).Labels }}é{{ end }}x",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:195: "
     "executing \"__alert_T\" at <humanizeDuration>: error calling humanizeDuration: "
     "strconv.ParseFloat: parsing \"x:1\": invalid syntax>"},
    {42.0,
     "{{ $x := printf \"%q%U%5.1f \" $externalLabels.cluster 1e-9 | humanizePercentage  -}}é{{ $x "
     "= printf \"%#v-\" | urlquery }} | ",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:172: "
     "executing \"__alert_T\" at <humanizePercentage>: error calling humanizePercentage: "
     "strconv.ParseFloat: parsing \"\\\"prod\\\"%!U(float64=1e-09)%!f(MISSING) \": invalid "
     "syntax>"},
    {259205.5,
     "val={{-  index .ExternalLabels \"\" }}{{ if match \"^h\" (toLower `raw`) }}x{{ range $k, $v "
     ":= .ExternalLabels }}x{{ print $labels | and (.Labels.instance | println | stripDomain)  "
     "-}}val={{ match \"o+\" 100000  -}}{{ $y := humanize1024 . }}x{{ end }} {{ println (.Value | "
     "toUpper) | printf \"%U%c\" $labels.job \"[::1]:9\"  -}}x{{-  printf \"% d %v%5d|\" | len | "
     "humanizeTimestamp }}val={{ else }}val={{ if printf \"% d %08.3f \" $externalLabels.cluster "
     "}} | {{ lt $externalURL (humanize $value | stripDomain)  -}} | {{ humanizePercentage "
     "(humanizeTimestamp .ExternalLabels | toLower) | reReplaceAll \"a*\" \"\" }}val={{-  $ "
     "}}val={{ end }}x{{ end }}é",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:639: "
     "executing \"__alert_T\" at <humanizeTimestamp .ExternalLabels>: error calling "
     "humanizeTimestamp: can't convert map[string]string to float>"},
    {-kInf,
     "{{ $labels.job | printf \"%-5d|\" \"a b\" $value \"1e3\" | humanizeTimestamp }}{{ $y := "
     "toUpper $labels.nope | println  -}}  a  {{ or \"x.y.z:1\" (humanizeDuration \"NaN\" | "
     "humanizeTimestamp) | stripPort }}  a  ",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:165: "
     "executing \"__alert_T\" at <humanizeTimestamp>: error calling humanizeTimestamp: "
     "strconv.ParseFloat: parsing \"%!d(string=a b  )|%!(EXTRA float64=-Inf, string=1e3, "
     "string=node)\": invalid syntax>"},
    {123456789.0,
     "é{{ range $k, $v := .ExternalLabels }} {{-  $x := reReplaceAll \"a*\" \"$$\" $ }}  a  {{ if "
     "humanizePercentage (index $labels -3 | stripDomain) }}{{ break }}{{ end }} | {{ else }}x{{- "
     "/* c */ -}}é{{ or .Value true | printf \"%-6s|-%+.2e\" (printf \"%-6s| %v-\" (html (match "
     "\"(.*):(\\\\d+)\" 1))) \"1e3\" \"-Inf\" | ge \"x.y.z:1\" }}x{{ $x := humanize1024 (ne $value "
     ".Value | printf \"%.0f \" 'a')  -}} | {{ end }}é",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:186: "
     "executing \"__alert_T\" at <$>: wrong type for value; expected string; got struct { Labels "
     "map[string]string; ExternalLabels map[string]string; ExternalURL string; Value float64 }>"},
    {1e+21,
     "{{ if index \"abc\" 0 }}  a  {{-  stripDomain (lt . (ge 1e-9 $labels.nope | toUpper) | "
     "toUpper) }}  a  {{ humanizePercentage \"host:80\"  -}}x{{ else }}val={{ $x := index "
     ".ExternalLabels \"NaN\" | printf \"%e-\" }}{{ html 100000 }}  a  {{ $y := lt \"host:80\" $ "
     "}}{{ end }} {{-  1e3 }}é",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:163: "
     "executing \"__alert_T\" at <ge 1e-9 $labels.nope>: error calling ge: incompatible types for "
     "comparison>"},
    {-0.25,
     " | {{-  $x := urlquery \"\" }}\n{{ if (print $labels) | index \"abc\" \"NaN\"  -}} | {{ "
     "range $k, $v := $labels.nope }} | {{ humanizeTimestamp . | humanize }}  a  {{ $x = "
     "\"[::1]:9\" | eq \"ABC def\" | println }}é{{ `raw` }}  a  {{ end }}  a  {{-  (urlquery "
     "(print \"é\"))  -}}  a  {{ else if match \"a*\" (printf \"%G%G%5d|\" .ExternalLabels | "
     "humanizeDuration | printf \"%f-%s%%-\" \"1.5\" $labels.nope) }}\n{{ $x := and "
     "(humanizeDuration 100000) `raw` (lt 'a' $ | print) | match \"[a-z]+\" }}\n{{ else }}é{{ "
     "$labels.job | println }}é{{ end }}\n{{-  $x := le 0 \"abc\" | stripPort | reReplaceAll \"x\" "
     "\"$$\" }} | ",
     "<error expanding template: error executing template __alert_T: template: __alert_T:2:24: "
     "executing \"__alert_T\" at <index \"abc\" \"NaN\">: error calling index: cannot index "
     "slice/array with type string>"},
    {0.001, " {{ printf \"%.3g-%s\" (lt $externalURL 0) . $labels | urlquery }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:134: "
     "executing \"__alert_T\" at <lt $externalURL 0>: error calling lt: incompatible types for "
     "comparison>"},
    {1e-07,
     "  a  {{ $x := printf \"%c \" ($labels.job | eq 0x1F) ($labels) | printf \"%.3g \" . (printf "
     "\"%.3g-% d \" \"é\" (html \"abc\" | stripPort | lt (le $externalLabels.cluster "
     "$externalLabels.cluster)) (reReplaceAll \"^h\" \"${2}/$1\" (printf \"%-5d| %G-\") | or $ "
     "$labels.nope)) }} | {{ reReplaceAll \"[a-z]+\" \"-\" (or \"[::1]:9\" .Labels.instance)  -}}  "
     "a  {{ (humanizeDuration (not false) | urlquery | println) }} | ",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:154: "
     "executing \"__alert_T\" at <eq 0x1F>: error calling eq: incompatible types for comparison>"},
    {123456789.0,
     "\n{{ match \"(.*):(\\\\d+)\" .Value | urlquery | println  -}}\n{{ (printf \"%f %T\" \"a b\" "
     "\"ABC def\" (humanize1024 \"[::1]:9\" | title) | printf \"%.0f %d-%.3g\" | and "
     ".Value).Labels }}é",
     "<error expanding template: error executing template __alert_T: template: __alert_T:2:23: "
     "executing \"__alert_T\" at <.Value>: wrong type for value; expected string; got float64>"},
    {kNaN,
     "{{ with $labels.nope }}  a  {{ $y := println (match \"^h\" 0x1F | len | humanizePercentage) "
     "}}  a  {{ if println (urlquery $y | le -2.25 | title) | match \"^h\" }}\n{{ and "
     ".Labels.instance \"x.y.z:1\"  -}}\n{{ (and $y ($labels | index $labels \"é\")) | lt "
     ".Labels.instance }}\n{{ humanizePercentage (not ($externalLabels.cluster) | title) }}\n{{ "
     "end }}\n{{ else }} | {{-  with humanizeTimestamp \"1e3\" | stripPort }}x{{ gt \"1.5\" "
     "\"[::1]:9\" | humanize1024 }}x{{ (humanizeTimestamp (urlquery \"0x10\") | printf \"%.3g-\" "
     ".Labels.instance (\"abc\")).job }} {{ end }}x{{ $y := eq $externalLabels.cluster . }}é{{ "
     "\"0x10\"  -}}{{ end }}{{-  not 0.001 }}\n",
     "<error expanding template: error executing template __alert_T: template: __alert_T:6:86: "
     "executing \"__alert_T\" at <humanize1024>: error calling humanize1024: can't convert bool to "
     "float>"},
    {1.0,
     "val={{ reReplaceAll \"a*\" \"-\" .Value }}val={{- /* c\n */}}{{ title \"1e3\" | urlquery }}  "
     "a  ",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:141: "
     "executing \"__alert_T\" at <.Value>: wrong type for value; expected string; got float64>"},
    {kInf,
     " {{ $y := (eq 1e3 (not (1e-9 | humanizePercentage) | index .ExternalLabels \"0x10\" | index "
     ".ExternalLabels \"x.y.z:1\") 1e3 | eq .ExternalLabels) | printf \"%s-%q %x-\" \"-Inf\" "
     "(println (printf \"%#v\" .ExternalLabels)) (gt $value (not \"\" | stripPort) | "
     "humanizePercentage | or $externalURL) }}x{{ with (stripDomain $labels.job | printf \"% d "
     "%f%.3g-\" (match \"o+\" (printf \"%-5d|-%T-\" true)) false) }}x{{ false }}  a  {{ "
     "humanizeTimestamp 1  -}} | {{ else }}x{{-  le (printf \"%b-%08.3f %f \" \"12\" false $y) "
     "true }}val={{ humanizePercentage 1 | humanizeDuration }}{{ index $labels `raw` }} {{ end }}é",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:165: "
     "executing \"__alert_T\" at <index .ExternalLabels \"0x10\">: error calling index: cannot "
     "index slice/array with type bool>"},
    {-kInf,
     "é{{ if printf \"%E-\" }} | {{ with printf \"%+v \" | reReplaceAll \"^h\" \"$$\" | match "
     "\"(.*):(\\\\d+)\"  -}}x{{ urlquery 1e-9 }}\n{{-  stripDomain $labels.nope  -}} | {{ end }}  "
     "a  {{ -3 | and (index $labels \"0x10\") }} {{ else }} | {{/* c */}}é{{ printf \"%.2f%t-\" | "
     "len | toUpper  -}} {{ stripPort .Value | reReplaceAll \"x\" \"\" }}é{{ end }}x{{-  toLower "
     "false }}val=",
     "<error expanding template: error executing template __alert_T: template: __alert_T:2:225: "
     "executing \"__alert_T\" at <false>: expected string; found false>"},
    {kInf,
     "é{{-  if le \"[::1]:9\" (humanize1024 `raw`) | reReplaceAll \"(.*):(\\\\d+)\" \"$1\" }}\n{{ "
     "with humanizePercentage $labels.nope }}val={{ humanizeDuration -2.25 | index \"abc\" \"  x  "
     "\" | eq \"ABC def\"  -}}x{{ else }}é{{-  $y := printf \"%+.2e \" }}x{{ end }}x{{ len 0x1F "
     "}}\n{{ else }} | {{ or (len $externalLabels.cluster) false 1e-9 | printf \"% d %x %o \" | "
     "index $labels \"-Inf\" }} | {{ toUpper \"1.5\" | urlquery  -}}é{{ end }} | ",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:136: "
     "executing \"__alert_T\" at <humanize1024 `raw`>: error calling humanize1024: "
     "strconv.ParseFloat: parsing \"raw\": invalid syntax>"},
    {kInf, "  a  {{ not 1e-9 | humanizeTimestamp }}val=",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:131: "
     "executing \"__alert_T\" at <humanizeTimestamp>: error calling humanizeTimestamp: can't "
     "convert bool to float>"},
    {42.0,
     "x{{-  ne $labels.nope -2.25 | humanizePercentage | stripDomain  -}}\n{{-  stripPort 1.5 | "
     "humanize }}\n",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:118: "
     "executing \"__alert_T\" at <ne $labels.nope -2.25>: error calling ne: incompatible types for "
     "comparison>"},
    {-kInf, " | {{-  .ExternalLabels | stripPort | urlquery }}  a  ",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:138: "
     "executing \"__alert_T\" at <stripPort>: wrong type for value; expected string; got "
     "map[string]string>"},
    {kInf, "val={{-  toLower .  -}}x{{ $x := \"host:80\"  -}}x",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:129: "
     "executing \"__alert_T\" at <.>: wrong type for value; expected string; got struct { Labels "
     "map[string]string; ExternalLabels map[string]string; ExternalURL string; Value float64 }>"},
    {-1.0, " | {{-  and . false  -}}x", " |falsex"},
    {kNaN, "é{{- /* c\n */}}x", "éx"},
    {-1.0,
     "\n{{ (println (3.0))  -}} {{ $x := (humanize1024 $labels.job | ne .Value | toUpper) | "
     "urlquery }}val=",
     "<error expanding template: error executing template __alert_T: template: __alert_T:2:34: "
     "executing \"__alert_T\" at <humanize1024 $labels.job>: error calling humanize1024: "
     "strconv.ParseFloat: parsing \"node\": invalid syntax>"},
    {1234.5,
     " | {{-  match \"a*\" \"NaN\" | humanizeTimestamp }}\n{{-  index .ExternalLabels 42 | eq "
     ".Labels.instance 1e6  -}}  a  ",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:139: "
     "executing \"__alert_T\" at <humanizeTimestamp>: error calling humanizeTimestamp: can't "
     "convert bool to float>"},
    {1e-07, "  a  {{ $x := urlquery -3  -}}val=", "  a  val="},
    {1.0,
     " | {{ range $k, $v := .ExternalLabels }}\n{{ printf \"%f %X\" }}é{{ range $k, $v := "
     "$labels.nope }}  a  {{-  printf \"%-6s| %x\" (index $labels \"a b\")  -}}x{{ else }}é{{ "
     "stripDomain (true)  -}}x{{-  \"abc\" }}é{{-  $y := title $labels | humanize | urlquery }}x{{ "
     "end }}é{{ else }}{{-  printf \"%t-%-5d|\" $ 1e3 | or (printf \"%X %+v-%%\" $ \"ABC def\") "
     "100000  -}}{{-  index \"abc\" \"\" | printf \"%#v-% d\" | println }} {{ end }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:2:48: "
     "executing \"__alert_T\" at <$labels.nope>: range can't iterate over >"},
    {0.001,
     "é{{ reReplaceAll \"(.*):(\\\\d+)\" \"$$\" $externalLabels.cluster | humanizeDuration }}é{{ "
     "or (false) (println \"NaN\")  -}}val={{-  (stripPort (\"é\" | index .ExternalLabels 42) | "
     "humanize1024 | printf \"%o%t \" $externalLabels.cluster $labels.job \"NaN\")  -}}x",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:175: "
     "executing \"__alert_T\" at <humanizeDuration>: error calling humanizeDuration: "
     "strconv.ParseFloat: parsing \"prod\": invalid syntax>"},
    {0.5,
     " | {{-  reReplaceAll \"^h\" \"$1\" (stripDomain (reReplaceAll \"(.*):(\\\\d+)\" \"-\" "
     "0.001))  -}}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:188: "
     "executing \"__alert_T\" at <0.001>: expected string; found 0.001>"},
    {kInf,
     "  a  {{ humanize1024 (urlquery $labels.nope | humanizeDuration) }} | {{-  . | "
     "humanizeDuration }} {{ $x := gt (ge .ExternalLabels $value | humanizePercentage) (stripPort "
     "(humanizeDuration $externalURL | lt (printf \"%+d %+d-%b\" | le $externalURL | printf "
     "\"%f-%o-\" 42 $externalURL $externalLabels.cluster) | humanizePercentage)) }}  a  ",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:158: "
     "executing \"__alert_T\" at <humanizeDuration>: error calling humanizeDuration: "
     "strconv.ParseFloat: parsing \"\": invalid syntax>"},
    {-0.25,
     " | {{ (stripPort \"[::1]:9\" | printf \"%#x %.3g-\" | printf \"%.2f %3.1s-\" false (toLower "
     "$ | index \"abc\" \"12\") \"a b\").job }}x{{ \"0x10\" }} | {{ humanize1024 (\"ABC def\" | "
     "printf \"%t %b-\" (len (eq 1e-9 $externalLabels.cluster .ExternalLabels | index "
     ".ExternalLabels \"0x10\") | humanize1024 | printf \"%+.2e-%d %10.4e \") | stripDomain) | "
     "index \"abc\" \"[::1]:9\" }} | ",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:198: "
     "executing \"__alert_T\" at <$>: wrong type for value; expected string; got struct { Labels "
     "map[string]string; ExternalLabels map[string]string; ExternalURL string; Value float64 }>"},
    {0.5,
     " {{- /* c */ -}} | {{-  $y := (title .Value | reReplaceAll \"[a-z]+\" \"$1\" | printf "
     "\"%d-%% %.3g-\" false ((index $labels \"12\" | not))) | len }}val=",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:149: "
     "executing \"__alert_T\" at <.Value>: wrong type for value; expected string; got float64>"},
    {42.0,
     " | {{ printf \"%10.4e%-5d|%3.1s \" }}{{-  with len $externalLabels.cluster | and $value (gt "
     "$labels.job false) }}  a  {{ humanize .Labels.instance | gt $labels.job }}é{{-  if match "
     "\"x\" 1e3 | printf \"% d %G-\" .Labels.instance }}{{ $y := ge (false | humanizeDuration | "
     "printf \"%08.3f-%g%-6s|\" 1e-9 0) (ne 1 $labels.job | index $labels \"12\") | urlquery  "
     "-}}{{-  printf \"%E %d\" (42) }}x{{ else }}  a  {{-  $x := match \"o+\" 1e6 }}val={{ end "
     "}}\n{{ end }} ",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:199: "
     "executing \"__alert_T\" at <gt $labels.job false>: error calling gt: incompatible types for "
     "comparison>"},
    {1e+21,
     "x{{- /* c\n */}}\n{{ printf \"%s%T %g-\" }} {{ if false | humanize | println  -}}x{{ $x := "
     "\"ABC def\" | title }}{{ printf \"%f-\" }} | {{ end }} | ",
     "<error expanding template: error executing template __alert_T: template: __alert_T:3:38: "
     "executing \"__alert_T\" at <humanize>: error calling humanize: can't convert bool to float>"},
    {0.5, "val={{ $x := humanize1024 (html $value)  -}}", "val="},
    {259205.5,
     "  a  {{-  ne . (printf \"%+v%U\" \"\" $externalLabels.cluster (printf \"%o %E %6s|\" (.Value "
     "| stripDomain | toLower) (match \"[a-z]+\" 100000 | len) (humanizePercentage "
     ".ExternalLabels) | gt (true)) | printf \"%6s|-\") | gt $ }}  a  ",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:201: "
     "executing \"__alert_T\" at <stripDomain>: wrong type for value; expected string; got "
     "float64>"},
    {0.001,
     "{{ len (humanize 100000) | humanize }} | {{ if \"ABC def\" | printf \"% d-%x-\" $ }}{{-  "
     "index \"abc\" \"abc\" }}{{ \"1e3\"  -}}{{ $x := not $ | not | not  -}}val={{ end }}  a  ",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:197: "
     "executing \"__alert_T\" at <index \"abc\" \"abc\">: error calling index: cannot index "
     "slice/array with type string>"},
};

// Printf (random verbs, flags, widths, precisions and argument types): expectations printed by
// promtool 2.42 (`promtool test rules`).
const TemplateCase kPrintf[] = {
    {-kInf, "{{ printf \"% #.0d|\"  }}", "%!d(MISSING)|"},
    {1234.5, "{{ printf \"%.1v%+.0b|\" $value }}", "1e+03%!b(MISSING)|"},
    {-1.0, "{{ printf \"%#q % o %U\" \"\" 'a' . }}",
     "``  141 {map[%!U(string=instance):%!U(string=host:9100) %!U(string=job):%!U(string=node) "
     "%!U(string=severity):%!U(string=critical)] map[%!U(string=cluster):%!U(string=prod) "
     "%!U(string=region):%!U(string=eu)] %!U(string=) %!U(float64=-1)}"},
    {1234.5, "{{ printf \"%t|%%\" 2.5 }}", "%!t(float64=2.5)|%"},
    {-kInf, "{{ printf \"%b|\"  }}", "%!b(MISSING)|"},
    {1.0, "{{ printf \"%-.3f %#.3v%#v \"  }}", "%!f(MISSING) %!v(MISSING)%!v(MISSING) "},
    {kNaN, "{{ printf \"%3.0E \" \"a\\tb\" }}", "%!E(string=   ) "},
    {1234.5, "{{ printf \"% .1t%2t \" \"abc\" 0.125 (safeHtml \"<b>\") }}",
     "%!t(string=a)%!t(float64=0.125) %!(EXTRA template.HTML=<b>)"},
    {1234.5, "{{ printf \"%3.0v|%+-.3v %t\" 1e21 $value -2.25 }}",
     "1e+21|1.23e+03 %!t(float64=-2.25)"},
    {kInf, "{{ printf \"%#5.3X|%+2.X %12.0q\" \"a\\tb\" }}", "0X610962|%!X(MISSING) %!q(MISSING)"},
    {0.30000000000000004, "{{ printf \"%#c%.0G%3.1U \"  }}",
     "%!c(MISSING)%!G(MISSING)%!U(MISSING) "},
    {kInf, "{{ printf \"%+-0v%#12o|\" \"é☃\" 0.000012345 }}", "é☃%!o(float64= 1.23450e-05)|"},
    {1.0, "{{ printf \"% .2G|\"  }}", "%!G(MISSING)|"},
    {kNaN, "{{ printf \"% c %.10b\" \"abc\" $labels.job }}", "%!c(string=abc) %!b(string=node)"},
    {0.0, "{{ printf \"%8F\" \"abc\" }}", "%!F(string=     abc)"},
    {-1.0, "{{ printf \"%03s\" 255 2.5 }}", "%!s(int=255)%!(EXTRA float64=2.5)"},
    {1e-300, "{{ printf \"%0g\" 1e-9 }}", "1e-09"},
    {0.0, "{{ printf \"%+f% b|%3%|\"  }}", "%!f(MISSING)%!b(MISSING)|%|"},
    {1.0, "{{ printf \"%- 5.e|%+e|%E \" 42 }}", "%!e(int= 42  )|%!e(MISSING)|%!E(MISSING) "},
    {1e-300, "{{ printf \"%3x%q%0x|\" -3 }}", " -3%!q(MISSING)%!x(MISSING)|"},
    {-kInf, "{{ printf \"%8v|\" $labels.job }}", "    node|"},
    {kNaN, "{{ printf \"% 8d %#.6F\" 1e100 123456789.0 }}",
     "%!d(float64=  1e+100) 123456789.000000"},
    {1.0, "{{ printf \"%q \" 99.995 . }}",
     "%!q(float64=99.995) %!(EXTRA struct { Labels map[string]string; ExternalLabels "
     "map[string]string; ExternalURL string; Value float64 }={map[instance:host:9100 job:node "
     "severity:critical] map[cluster:prod region:eu]  1})"},
    {1e-300, "{{ printf \"%#12.1%\"  }}", "%"},
    {5e-324, "{{ printf \"%5x|%0.3v|\" -0.5 }}", "-0x1p-01|%!v(MISSING)|"},
    {5e-324, "{{ printf \"%x %+v|%0.10X|\" 255 }}", "ff %!v(MISSING)|%!X(MISSING)|"},
    {kNaN, "{{ printf \"%3b \"  }}", "%!b(MISSING) "},
    {1e-300, "{{ printf \"%+ #12v|%1.10t %E|\" 'a' }}", "          97|%!t(MISSING) %!E(MISSING)|"},
    {0.30000000000000004, "{{ printf \"%v %12.3b \" \"é☃\" }}", "é☃ %!b(MISSING) "},
    {1234.5, "{{ printf \"%.0g%+#8.10f %+3.6q\" 'a' }}", "%!g(int=97)%!f(MISSING) %!q(MISSING)"},
    {-kInf, "{{ printf \"%+2U \" (index \"abc\" 1) }}", "U+0062 "},
    {-1.0, "{{ printf \"%x|%2.1q%t|\" $labels (safeHtml \"<b>\") }}",
     "map[696e7374616e6365:686f73743a39313030 6a6f62:6e6f6465 "
     "7365766572697479:637269746963616c]|\"<\"%!t(MISSING)|"},
    {0.30000000000000004, "{{ printf \"%x %e|\" \"a\\tb\" }}", "610962 %!e(MISSING)|"},
    {0.0, "{{ printf \"%f|%#f \"  }}", "%!f(MISSING)|%!f(MISSING) "},
    {-kInf, "{{ printf \"%0e%-02v%-#.0t \"  }}", "%!e(MISSING)%!v(MISSING)%!t(MISSING) "},
    {kNaN, "{{ printf \"%+#d|%-F % 2X|\" 1e-9 nil }}",
     "%!d(float64=+1.00000e-09)|%!F(<nil>) %!X(MISSING)|"},
    {kNaN, "{{ printf \"% 01.0d|%5.U\" \"é☃\" (index \"abc\" 1) }}", "%!d(string=0)|U+0062"},
    {1e-300, "{{ printf \"%1.0e%2o|% 1c|\"  }}", "%!e(MISSING)%!o(MISSING)|%!c(MISSING)|"},
    {0.30000000000000004, "{{ printf \"%0.1f \"  }}", "%!f(MISSING) "},
    {-kInf, "{{ printf \"%03.6v\" 1e21 1e3 $labels }}",
     "1e+21%!(EXTRA float64=1000, map[string]string=map[instance:host:9100 job:node "
     "severity:critical])"},
    {5e-324, "{{ printf \"%#03f %+#5.1E|%.0q|\" (index \"abc\" 1) 1.5 }}",
     "%!f(uint8=098) +1.5E+00|%!q(MISSING)|"},
    {kInf, "{{ printf \"%-0.%%+d%#.0b \" 'a' }}", "%+97%!b(MISSING) "},
    {-kInf, "{{ printf \"%.c|%.6v %.2t \" 123456789.0 -2.25 1 }}",
     "%!c(float64=1e+08)|-2.25 %!t(int=01) "},
    {5e-324, "{{ printf \"%0f|\" 99.995 }}", "99.995000|"},
    {0.30000000000000004, "{{ printf \"%+v|\"  }}", "%!v(MISSING)|"},
    {0.30000000000000004, "{{ printf \"%3b%.6s%0x\" (safeHtml \"<b>\") 1e100 true }}",
     "%!b(template.HTML=<b>)%!s(float64=1e+100)%!x(bool=true)"},
    {kInf, "{{ printf \"%+3g %s %1.10X|\" false }}", "%!g(bool=false) %!s(MISSING) %!X(MISSING)|"},
    {1.0, "{{ printf \"%12%\" false 3.0 }}", "%%!(EXTRA bool=false, float64=3)"},
    {5e-324, "{{ printf \"%03%|\" nil \"a\\tb\" 2.5 }}",
     "%|%!(EXTRA <nil>, string=a\tb, float64=2.5)"},
    {1e-300, "{{ printf \"%g %.2v%#12o\" \"\" $labels.job }}", "%!g(string=) no%!o(MISSING)"},
    {-1.0, "{{ printf \"%G|%+ .1% \"  }}", "%!G(MISSING)|% "},
    {-kInf, "{{ printf \"%#.10F|\" 42 }}", "%!F(int=0000000042)|"},
    {-kInf, "{{ printf \"%0c|%08.6t\"  }}", "%!c(MISSING)|%!t(MISSING)"},
    {0.0, "{{ printf \"%5v|% s \"  }}", "%!v(MISSING)|%!s(MISSING) "},
    {1234.5, "{{ printf \"%-3s \"  }}", "%!s(MISSING) "},
    {1.0, "{{ printf \"%.6t \" 2.5 }}", "%!t(float64=2.5) "},
    {0.30000000000000004, "{{ printf \"%.10g\"  }}", "%!g(MISSING)"},
    {1234.5, "{{ printf \"%v %c \"  }}", "%!v(MISSING) %!c(MISSING) "},
    {kInf, "{{ printf \"%-#.b \" 1e100 3.0 }}", "5147557589468029p+280 %!(EXTRA float64=3)"},
    {5e-324, "{{ printf \"%#.1d %.3f|%5F\" (safeHtml \"<b>\") 1e21 0.000012345 }}",
     "%!d(template.HTML=<) 1000000000000000000000.000|0.000012"},
    {1.0, "{{ printf \"%#0.10v\" \"a\\tb\" 123456789.0 }}",
     "\"a\\tb\"%!(EXTRA float64=1.23456789e+08)"},
    {-kInf, "{{ printf \"%3.10x%8v|\" 2.5 1e21 }}", "0x1.4000000000p+01   1e+21|"},
    {-kInf, "{{ printf \"%1E %.6b|\" $value }}", "-Inf %!b(MISSING)|"},
    {kNaN, "{{ printf \"%.3F%+#3G%v|\" (safeHtml \"<b>\") }}",
     "%!F(template.HTML=<b>)%!G(MISSING)%!v(MISSING)|"},
    {0.30000000000000004, "{{ printf \"%.10x|\"  }}", "%!x(MISSING)|"},
    {0.0, "{{ printf \"% #.T|\" false }}", "|"},
    {1234.5, "{{ printf \"%5v\" (safeHtml \"<b>\") \"\" (index \"abc\" 1) }}",
     "  <b>%!(EXTRA string=, uint8=98)"},
    {-kInf, "{{ printf \"%-.1v|%c|\"  }}", "%!v(MISSING)|%!c(MISSING)|"},
    {kInf, "{{ printf \"%G|\" \"a\\tb\" }}", "%!G(string=a\tb)|"},
    {-kInf, "{{ printf \"%-8.1v%.0v \" 1e3 'a' }}", "1e+03   97 "},
    {5e-324, "{{ printf \"%c \" 1 1.5 -3 }}", "\001 %!(EXTRA float64=1.5, int=-3)"},
    {1e-300, "{{ printf \"%#v|\" 255 1.5 }}", "255|%!(EXTRA float64=1.5)"},
    {1e-300, "{{ printf \"%.F|%0.1c|\"  }}", "%!F(MISSING)|%!c(MISSING)|"},
    {0.30000000000000004, "{{ printf \"%1v \" 1e3 1e3 }}", "1000 %!(EXTRA float64=1000)"},
    {kInf, "{{ printf \"%2%%.10t|% .F\" \"x\\\"y\" }}", "%%!t(string=x\"y)|%!F(MISSING)"},
    {0.0, "{{ printf \"%#.6x|\" true }}", "%!x(bool=true)|"},
    {1e-300, "{{ printf \"%+.3c %0e %5g|\" false }}", "%!c(bool=false) %!e(MISSING) %!g(MISSING)|"},
    {1.0, "{{ printf \"%5v|%s %+1c\" 255 1e-9 \"\" }}", "  255|%!s(float64=1e-09) %!c(string= )"},
    {-1.0, "{{ printf \"%+-v %012.6q \" . }}",
     "{Labels:map[instance:host:9100 job:node severity:critical] ExternalLabels:map[cluster:prod "
     "region:eu] ExternalURL: Value:-1} %!q(MISSING) "},
    {1234.5, "{{ printf \"%.10g|%.2G% 0.0d \"  }}", "%!g(MISSING)|%!G(MISSING)%!d(MISSING) "},
    {5e-324, "{{ printf \"%X|\" 0.125 }}", "0X1P-03|"},
    {5e-324, "{{ printf \"%+v \" \"é☃\" }}", "é☃ "},
    {1.0, "{{ printf \"%2d %-.c %0g\"  }}", "%!d(MISSING) %!c(MISSING) %!g(MISSING)"},
    {5e-324, "{{ printf \"% 0.1e \" true $labels.job }}", "%!e(bool=true) %!(EXTRA string=node)"},
    {kNaN, "{{ printf \"%+12.0o|%-%|\" 1e100 \"é☃\" }}",
     "%!o(float64=     +1e+100)|%|%!(EXTRA string=é☃)"},
    {-1.0, "{{ printf \"%+.10q %+.1v|% 0.10U \" 255 }}", "'\\u00ff' %!v(MISSING)|%!U(MISSING) "},
    {0.0, "{{ printf \"%F|%#01E %8T|\" (index \"abc\" 1) 'a' }}",
     "%!F(uint8=98)|%!E(int=97) %!T(MISSING)|"},
    {1234.5, "{{ printf \"%X|\"  }}", "%!X(MISSING)|"},
    {kNaN, "{{ printf \"%#012T|\"  }}", "%!T(MISSING)|"},
    {kInf, "{{ printf \"%12.o%+q % 8.s\" \"abc\" (index \"abc\" 1) }}",
     "%!o(string=            )'b' %!s(MISSING)"},
};

// ParseFloat: expectations printed by promtool 2.42 (`promtool test rules`).
const TemplateCase kParseFloat[] = {
    {1.0, "{{ humanize \"1e-400\" }}|{{ humanize \"+nan\" }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:139: "
     "executing \"__alert_T\" at <humanize \"+nan\">: error calling humanize: strconv.ParseFloat: "
     "parsing \"+nan\": invalid syntax>"},
    {1.0,
     "{{ humanize \"-Infinity\" }}|{{ humanize \".5\" }}|{{ humanize \"5.\" }}|{{ humanize "
     "\"0x1p-2\" }}|{{ humanize \"1_0\" }}|{{ humanize \"0x_1p0\" }}|{{ humanize \"+1.5E3\" }}",
     "-Inf|500m|5|250m|10|1|1.5k"},
    {1.0, "{{ humanize \"+nan\" }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <humanize \"+nan\">: error calling humanize: strconv.ParseFloat: "
     "parsing \"+nan\": invalid syntax>"},
    {1.0, "{{ humanize \" 1\" }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <humanize \" 1\">: error calling humanize: strconv.ParseFloat: "
     "parsing \" 1\": invalid syntax>"},
    {1.0, "{{ humanize \"inF\" }}|{{ humanize \"-infinity\" }}|{{ humanize \"1e-320\" }}",
     "+Inf|-Inf|1e-296y"},
    {1.0,
     "{{ humanize \"1e-400\" }}|{{ humanize \"1_0.5\" }}|{{ humanize \"0x1\" }}|{{ humanize "
     "\"0x1.8p1\" }}|{{ humanize \"1e+3_0\" }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:162: "
     "executing \"__alert_T\" at <humanize \"0x1\">: error calling humanize: strconv.ParseFloat: "
     "parsing \"0x1\": invalid syntax>"},
    {1.0, "{{ humanize \"_1\" }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <humanize \"_1\">: error calling humanize: strconv.ParseFloat: "
     "parsing \"_1\": invalid syntax>"},
    {1.0, "{{ humanize \"1__0\" }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <humanize \"1__0\">: error calling humanize: strconv.ParseFloat: "
     "parsing \"1__0\": invalid syntax>"},
    {1.0, "{{ humanize \".\" }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <humanize \".\">: error calling humanize: strconv.ParseFloat: "
     "parsing \".\": invalid syntax>"},
    {1.0, "{{ humanize \"1e\" }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <humanize \"1e\">: error calling humanize: strconv.ParseFloat: "
     "parsing \"1e\": invalid syntax>"},
    {1.0, "{{ humanize \"0x\" }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <humanize \"0x\">: error calling humanize: strconv.ParseFloat: "
     "parsing \"0x\": invalid syntax>"},
    {1.0, "{{ humanize \"0xp1\" }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <humanize \"0xp1\">: error calling humanize: strconv.ParseFloat: "
     "parsing \"0xp1\": invalid syntax>"},
    {1.0, "{{ humanize \"1e400\" }}|{{ humanize \"-1e400\" }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <humanize \"1e400\">: error calling humanize: strconv.ParseFloat: "
     "parsing \"1e400\": value out of range>"},
    {1.0, "{{ humanize \"0b101\" }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <humanize \"0b101\">: error calling humanize: strconv.ParseFloat: "
     "parsing \"0b101\": invalid syntax>"},
    {1.0, "{{ humanize \"Inf1\" }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <humanize \"Inf1\">: error calling humanize: strconv.ParseFloat: "
     "parsing \"Inf1\": invalid syntax>"},
    {1.0, "{{ humanize \"infin\" }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <humanize \"infin\">: error calling humanize: strconv.ParseFloat: "
     "parsing \"infin\": invalid syntax>"},
};

// PrintfArgIndex (explicit argument indexes, bad widths and indexes): expectations printed by
// promtool 2.42 (`promtool test rules`).
const TemplateCase kPrintfArgIndex[] = {
    {1.0,
     "{{ printf \"%[2]s %[1]s\" \"a\" \"b\" }}|{{ printf \"%[3]d\" 1 2 }}|{{ printf \"%[0]d\" 1 "
     "}}|{{ printf \"%[x]d\" 1 }}|{{ printf \"%[1]*d\" 5 }}|{{ printf \"%[2]*[1]d\" 12 5 }}",
     "b a|%!d(BADINDEX)|%!d(BADINDEX)|%!d(BADINDEX)|%!d(MISSING)|   12"},
    {1.0,
     "{{ printf \"%d %d %[1]d %d\" 1 2 }}|{{ printf \"%[1]d\" 1 2 3 }}|{{ printf \"%[\" 1 }}|{{ "
     "printf \"%[1\" 1 }}|{{ printf \"%[]d\" 1 }}|{{ printf \"%.[2]*[1]f\" 3.14159 2 }}",
     "1 2 1 2|1|%!(NOVERB)|%!(NOVERB)|%!d(BADINDEX)|3.14"},
    {1.0,
     "{{ printf \"%é\" 1 }}|{{ printf \"%.\" 1 }}|{{ printf \"%.d\" 0 }}|{{ printf \"%3.[1]d\" 7 "
     "}}|{{ printf \"%[1]3d\" 7 }}|{{ printf \"%99999999999d\" 1 }}|{{ printf \"%*d\" 9999999 1 }}",
     "%!é(int=1)|%!.(int=1)||  7|%!d(BADINDEX)|%!(NOVERB)%!(EXTRA int=1)|%!(BADWIDTH)1"},
    {1.0,
     "{{ printf \"%-*d|\" -5 1 }}|{{ printf \"%.*d|\" -1 5 }}|{{ printf \"%*d\" 1.5 2 }}|{{ printf "
     "\"%[5]d %d\" 1 2 }}|{{ printf \"%v%%%v\" 1 }}",
     "1    ||%!(BADPREC)5||%!(BADWIDTH)2|%!d(BADINDEX) 1|1%%!v(MISSING)"},
};

// RangeAssign (Go 1.19 quirks of range with `=` and variable scoping): expectations printed by
// promtool 2.42 (`promtool test rules`).
const TemplateCase kRangeAssign[] = {
    {1.0, "{{ $x := 1 }}{{ range $x = $labels }}{{ $x }},{{ end }}{{ $x }}",
     "host:9100,node,critical,critical"},
    {1.0,
     "{{ $x := 1 }}{{ $y := 2 }}{{ range $x = $labels }}{{ $x }}{{ $y }},{{ end }}{{ $x }}{{ $y }}",
     "map[instance:host:9100 job:node severity:critical]host:9100,map[instance:host:9100 job:node "
     "severity:critical]node,map[instance:host:9100 job:node "
     "severity:critical]critical,map[instance:host:9100 job:node severity:critical]critical"},
    {1.0,
     "{{ $k := 1 }}{{ $v := 2 }}{{ range $k, $v = $labels }}{{ $k }}{{ $v }},{{ end }}{{ $k }}{{ "
     "$v }}",
     "instancehost:9100,jobnode,severitycritical,severitycritical"},
    {1.0, "{{ range $i := 3 }}{{ $i }}{{ end }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:127: "
     "executing \"__alert_T\" at <3>: range can't iterate over 3>"},
    {1.0, "{{ $x := 0 }}{{ range $k, $v := $labels }}{{ $x = $k }}{{ end }}{{ $x }}", "severity"},
    {1.0, "{{ if $x := 1 }}{{ $x = 2 }}{{ $x }}{{ end }}", "2"},
};

// Define ({{define}}, {{template}}, {{block}}): expectations printed by promtool 2.42 (`promtool
// test rules`).
const TemplateCase kDefine[] = {
    {1.0,
     "{{ define \"x\" }}[{{ . }}]{{ end }}{{ template \"x\" $labels.job }}{{ template \"x\" }}{{ "
     "template \"x\" 1.5 }}",
     "[node][<no value>][1.5]"},
    {1.0,
     "{{ define \"inst\" }}{{ .instance }}{{ end }}{{ template \"inst\" $labels }}|{{ block \"b\" "
     "$value }}v={{ . }}{{ end }}|{{ template \"b\" 2 }}",
     "host:9100|v=1|v=2"},
    {1.0, "{{ define \"e\" }}{{ humanize . }}{{ end }}{{ template \"e\" \"bad\" }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:131: "
     "executing \"e\" at <humanize .>: error calling humanize: strconv.ParseFloat: parsing "
     "\"bad\": invalid syntax>"},
    {1.0, "{{ define \"e\" }}ok{{ $ }}{{ end }}{{ template \"e\" $labels }}",
     "okmap[instance:host:9100 job:node severity:critical]"},
    {1.0, "{{ template \"nope\" }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:124: "
     "executing \"__alert_T\" at <{{template \"nope\"}}>: template \"nope\" not defined>"},
    {1.0, "{{ define \"d\" }}{{ .Nope }}{{ end }}{{ template \"d\" . }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:131: "
     "executing \"d\" at <.Nope>: can't evaluate field Nope in type struct { Labels "
     "map[string]string; ExternalLabels map[string]string; ExternalURL string; Value float64 }>"},
    {1.0,
     "{{ define \"v\" }}{{ $x := . }}{{ $x }}{{ end }}{{ $x := 5 }}{{ template \"v\" 3 }}{{ $x }}",
     "35"},
    {1.0, "{{ template \"t\" $y := 4 }}{{ $y }}{{ define \"t\" }}t{{ . }}{{ end }}", "t44"},
};

// NumberLiterals: expectations printed by promtool 2.42 (`promtool test rules`).
const TemplateCase kNumberLiterals[] = {
    {1.0,
     "{{ 0x1.8p1 }}|{{ 1_000.5 }}|{{ 08.5 }}|{{ +0x10 }}|{{ -0 }}|{{ 0x_1 }}|{{ 1e1_0 }}|{{ -0x1e "
     "}}|{{ 0x1e }}|{{ 1.0 }}|{{ 1e2 }}|{{ -9223372036854775808 }}",
     "3|1000.5|8.5|16|0|1|1e+10|-30|30|1|100|-9223372036854775808"},
};

// HumanizeExtremes (int64 limits of Go's conversions): expectations printed by promtool 2.42
// (`promtool test rules`).
const TemplateCase kHumanizeExtremes[] = {
    {9.223372036854776e+18, "{{ humanizeTimestamp $value }}|{{ humanizeDuration $value }}",
     "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
     "executing \"__alert_T\" at <humanizeTimestamp $value>: error calling humanizeTimestamp: "
     "9.223372036854776e+18 cannot be represented as a nanoseconds timestamp since it overflows "
     "int64>"},
    {9223372036854700.0, "{{ humanizeDuration $value }}", "106751991167d 7h 11m 40s"},
    {9.3e+18, "{{ humanizeDuration $value }}", "-106751991167300d -15h -30m -8s"},
    {-9.3e+18, "{{ humanizeDuration $value }}", "--106751991167300d -15h -30m -8s"},
    {9223372036.854774, "{{ humanizeTimestamp $value }}", "2262-04-11 23:47:16.854 +0000 UTC"},
    {-9223372036.854774, "{{ humanizeTimestamp $value }}", "1677-09-21 00:12:43.146 +0000 UTC"},
};

// Parse errors as `promtool check rules` 2.42 reports them.
const ParseCase kParseErrors[] = {
    {"{{ .X }", "template: __alert_T:1: unexpected \"}\" in operand"},
    {"{{ } }}", "template: __alert_T:1: unexpected \"}\" in command"},
    {"{{ foo }}", "template: __alert_T:1: function \"foo\" not defined"},
    {"{{ $x }}", "template: __alert_T:1: undefined variable \"$x\""},
    {"{{ if }}", "template: __alert_T:1: missing value for if"},
    {"{{ if true }}", "template: __alert_T:1: unexpected EOF"},
    {"{{ end }}", "template: __alert_T:1: unexpected {{end}}"},
    {"{{ else }}", "template: __alert_T:1: unexpected {{else}}"},
    {"{{ if true }}a{{ else }}b{{ else }}c{{ end }}",
     "template: __alert_T:1: expected end; found {{else}}"},
    {"{{ range $a, $b, $c := $labels }}{{ end }}",
     "template: __alert_T:1: too many declarations in range"},
    {"{{ range $a, 3 }}{{ end }}", "template: __alert_T:1: range can only initialize variables"},
    {"{{ $a, $b := 1 }}", "template: __alert_T:1: too many declarations in command"},
    {"{{ \"abc }}", "template: __alert_T:1: unterminated quoted string"},
    {"{{ 'ab' }}", "template: __alert_T:1: malformed character constant: 'ab'"},
    {"{{ 1abc }}", "template: __alert_T:1: bad number syntax: \"1a\""},
    {"{{ (1 }}", "template: __alert_T:1: unclosed left paren"},
    {"{{ 1) }}", "template: __alert_T:1: unexpected \")\" in command"},
    {"{{ 1 | 2 }}", "template: __alert_T:1: non executable command in pipeline stage 2"},
    {"{{ .Labels | \"x\" }}", "template: __alert_T:1: non executable command in pipeline stage 2"},
    {"{{ $labels.a.b }}", ""},
    {"{{ \"a\".b }}", "template: __alert_T:1: unexpected . after term \"\\\"a\\\"\""},
    {"{{ nil.x }}", "template: __alert_T:1: unexpected . after term \"nil\""},
    {"{{ break }}", "template: __alert_T:1: {{break}} outside {{range}}"},
    {"{{ range $labels }}{{ break }}{{ end }}", ""},
    {"{{/* unclosed", "template: __alert_T:1: unclosed comment"},
    {"{{/* c */ x}}", "template: __alert_T:1: comment ends before closing delimiter"},
    {"{{ printf \"%d\" 1 ", "template: __alert_T:1: unclosed action"},
    {"{{ printf \"%d\" 1 \n }}", ""},
    {"{{ if true }}\n{{ .x }", "template: __alert_T:2: unexpected \"}\" in operand"},
    {"{{ @ }}", "template: __alert_T:1: unexpected \"@\" in command"},
    {"{{ $x := 1 }}{{ $x = 2 }}{{ $y = 3 }}", ""},
    {"{{ a:b }}", "template: __alert_T:1: function \"a\" not defined"},
    {"{{ \"\\q\" }}", "template: __alert_T:1: invalid syntax"},
    {"{{ 99999999999999999999 }}",
     "template: __alert_T:1: integer overflow: \"99999999999999999999\""},
    {"{{ 0x }}", "template: __alert_T:1: illegal number syntax: \"0x\""},
    {"{{ 1e }}", "template: __alert_T:1: illegal number syntax: \"1e\""},
    {"{{ with $x := 1 }}{{ $x }}{{ else }}{{ $x }}{{ end }}", ""},
    {"{{ .Labels.x.y.z }}", ""},
    {"{{ -}}", "template: __alert_T:1: missing value for command"},
    {"{{- -}}", "template: __alert_T:1: illegal number syntax: \"-\""},
    {"{{ . | printf \"%v\" }}", ""},
    {"{{ if true }}{{ else if false }}{{ else }}{{ end }}", ""},
    {"{{ end", "template: __alert_T:1: unclosed action"},
    {"{{ range }}{{ end }}", "template: __alert_T:1: missing value for range"},
    {"{{ (1) 2 }}", ""},
    {"{{ humanize }}", ""},
};

// Random token soups (tests/rules generator seed 1) as `promtool check rules` 2.42 reports them.
const ParseCase kGeneratedParseCases[] = {
    {"$labels{{else}}if .Labels", "template: __alert_T:1: unexpected {{else}}"},
    {"\n{{else}}{{/*", "template: __alert_T:2: unexpected {{else}}"},
    {"0x, {{ range $labels }}(end\n}}, foo", "template: __alert_T:2: unexpected EOF"},
    {"x{{/*", "template: __alert_T:1: unclosed comment"},
    {"$)$labels.jobend1}}", ""},
    {"}}0x", ""},
    {", +1", ""},
    {"foo$}}  )", ""},
    {"\ncontinue)nil)+1){{else}}*/}}", "template: __alert_T:2: unexpected {{else}}"},
    {"}}humanize continue0xend = ", ""},
    {"range {{end}}1.5e$: ", "template: __alert_T:1: unexpected {{end}}"},
    {" - | \"s\"\"str$labels.job\n ", ""},
    {"$labels.job{{- 'a'.{{end}}@humanize -", "template: __alert_T:1: bad character U+007B '{'"},
    {"truecontinuex{{ if true }}", "template: __alert_T:1: unexpected EOF"},
    {"else {{/*- end{{ if true }} := ", "template: __alert_T:1: unclosed comment"},
    {"true\n$}}'a'{{- \"s\":", "template: __alert_T:2: expected :="},
    {"0x :=  :=  ){{{{ if true }} | ", "template: __alert_T:1: unexpected \"{\" in command"},
    {"@ nil$labelsnil", ""},
    {".Labels.job-continue$k, $v := ${{, {{ range $labels }}{{end}}",
     "template: __alert_T:1: unexpected \",\" in command"},
    {"  {{ if true }}continue(", "template: __alert_T:1: unexpected EOF"},
    {" -}}'a'true$labelscontinue |  humanize ", ""},
    {"nilhumanize nil{{breakbreakprintf \"%d\" {{ range $labels }}printf \"%d\" ",
     "template: __alert_T:1: function \"breakbreakprintf\" not defined"},
    {"*/}}$k, $v := }})`raw = continue", ""},
    {"else continue.Labels{{- ", "template: __alert_T:1: unclosed action"},
    {"else }}{{/*", "template: __alert_T:1: unclosed comment"},
    {"{{else}}{{else}}", "template: __alert_T:1: unexpected {{else}}"},
    {"..Labels.jobrange printf \"%d\"  = nil", ""},
    {"if  :=  := .Labels   := ", ""},
    {"0x:\"str*/}}x1", ""},
    {"'a'range }}\"s\", 1.5ehumanize {{ range $labels }} | ",
     "template: __alert_T:1: unexpected EOF"},
    {"end.Labels$ ($k, $v := ", ""},
    {"}})}}@$x{{- $ := ", "template: __alert_T:1: unclosed action"},
    {": +1foobreak)`rawx  ", ""},
    {")  0x}}@+1$labels1-", ""},
    {" -}}{{end}}\"s\"with ( -}}\"s\"if ", "template: __alert_T:1: unexpected {{end}}"},
    {"\"s\"\"s\"{{end}}", "template: __alert_T:1: unexpected {{end}}"},
    {"humanize $labels.Labelswith ", ""},
    {"continue{{- ", "template: __alert_T:1: unclosed action"},
    {"$labels*/}} := {{ if true }}:", "template: __alert_T:1: unexpected EOF"},
    {",  | ", ""},
    {"end($labels+1foo$labels.job | ", ""},
    {"end-, \"str \n}}1printf \"%d\" ", ""},
    {"\"str}} :=  | 1$labels{{ range $labels }}with ", "template: __alert_T:1: unexpected EOF"},
    {"foo(.Labels.job+1end, continue", ""},
    {"+1break\n{{ if true }}break.if ", "template: __alert_T:2: unexpected EOF"},
    {"else with ", ""},
    {" := break(.Labels.job", ""},
    {"$k, $v :=  .Labelstrue1.5e1.5erange ", ""},
    {".$k, $v := {{ if true }}:\nwith ", "template: __alert_T:2: unexpected EOF"},
    {"1{{- humanize ", "template: __alert_T:1: unclosed action"},
    {", {{ range $labels }}$x", "template: __alert_T:1: unexpected EOF"},
    {"1.5erange printf \"%d\" $labels.job", ""},
    {"if $labelscontinue)$labelselse .Labels.jobtrue", ""},
    {"$labelsbreakrange */}}.Labels.jobend", ""},
    {"\"str{{", "template: __alert_T:1: unclosed action"},
    {"else humanize ", ""},
    {"{{ range $labels }}{{-  | ", "template: __alert_T:1: unexpected \"|\" in command"},
    {"{{ range $labels }}$labels.jobhumanize  := range ", "template: __alert_T:1: unexpected EOF"},
    {" := +1. := {{end}}endfoo, break", "template: __alert_T:1: unexpected {{end}}"},
    {"continue.Labels:'a'1end", ""},
};

// {{define}}, {{template}} and {{block}} as `promtool check rules` 2.42 reports them.
const ParseCase kDefineParseCases[] = {
    {"{{ define \"x\" }}a{{ end }}{{ define \"x\" }}b{{ end }}",
     "template: __alert_T:1: template: multiple definition of template \"x\""},
    {"{{ define \"x\" }}  {{ end }}{{ define \"x\" }}b{{ end }}", ""},
    {"{{ define 1 }}{{ end }}", "template: __alert_T:1: unexpected \"1\" in define clause"},
    {"{{ define \"x\" 1 }}{{ end }}", "template: __alert_T:1: unexpected \"1\" in define clause"},
    {"{{ define \"x\" }}", "template: __alert_T:1: unexpected EOF"},
    {"{{ define \"x\" }}{{ else }}{{ end }}",
     "template: __alert_T:1: unexpected {{else}} in define clause"},
    {"{{ if 1 }}{{ define \"x\" }}{{ end }}{{ end }}",
     "template: __alert_T:1: unexpected <define> in command"},
    {"{{ template x }}", "template: __alert_T:1: unexpected \"x\" in template clause"},
    {"{{ template \"x\" | }}", "template: __alert_T:1: unexpected \"|\" in template clause"},
    {"{{ block \"x\" }}{{ end }}", "template: __alert_T:1: missing value for block clause"},
    {"{{ define \"x\" }}{{ $labels }}{{ end }}",
     "template: __alert_T:1: undefined variable \"$labels\""},
    {"{{ define \"x\" }}{{ break }}{{ end }}",
     "template: __alert_T:1: {{break}} outside {{range}}"},
    {"{{ range $labels }}{{ define \"x\" }}{{ end }}{{ end }}",
     "template: __alert_T:1: unexpected <define> in command"},
    {"{{ define \"__alert_T\" }}b{{ end }}",
     "template: __alert_T:1: template: multiple definition of template \"__alert_T\""},
};

// Number literals as `promtool check rules` 2.42 reports them.
const ParseCase kNumberParseCases[] = {
    {"{{ 0x1.8 }}", "template: __alert_T:1: illegal number syntax: \"0x1.8\""},
    {"{{ 0x1.8p1 }}", ""},
    {"{{ 1_000.5 }}", ""},
    {"{{ 1e400 }}", "template: __alert_T:1: illegal number syntax: \"1e400\""},
    {"{{ 0b2 }}", "template: __alert_T:1: bad number syntax: \"0b2\""},
    {"{{ 08 }}", "template: __alert_T:1: integer overflow: \"08\""},
    {"{{ 0o8 }}", "template: __alert_T:1: bad number syntax: \"0o8\""},
    {"{{ 1__0 }}", "template: __alert_T:1: illegal number syntax: \"1__0\""},
    {"{{ +0x10 }}", ""},
    {"{{ -0 }}", ""},
    {"{{ 0x_1 }}", ""},
    {"{{ 1e1_0 }}", ""},
};

void ExpectParseResults(std::span<const ParseCase> cases) {
  for (const ParseCase& c : cases) {
    SCOPED_TRACE(c.text);
    Result<AlertTemplate> parsed = AlertTemplate::Parse(kName, c.text);
    if (c.want_error[0] == '\0') {
      EXPECT_TRUE(parsed.ok()) << parsed.error().message;
    } else {
      ASSERT_FALSE(parsed.ok());
      EXPECT_EQ(parsed.error().message, c.want_error);
    }
  }
}

TEST(TemplateTest, ValueFormattingMatchesGo) { ExpectExpansions(kBasics); }

TEST(TemplateTest, HumanizeFamilyMatchesPromtool) {
  ExpectExpansions(kHumanize);
  ExpectExpansions(kHumanizeExtremes);
}

TEST(TemplateTest, BuiltinsAndPrometheusFunctions) { ExpectExpansions(kBuiltins); }

TEST(TemplateTest, ControlFlowTrimPrintfAndErrorPositions) { ExpectExpansions(kSemantics); }

TEST(TemplateTest, FloatBinaryAndHexVerbs) { ExpectExpansions(kFloatBits); }

TEST(TemplateTest, GeneratedTemplatesMatchPromtool) { ExpectExpansions(kGenerated); }

TEST(TemplateTest, PrintfMatchesGoFmt) { ExpectExpansions(kPrintf); }

TEST(TemplateTest, PrintfArgumentIndexes) { ExpectExpansions(kPrintfArgIndex); }

TEST(TemplateTest, RangeVariablesLikeGo119) { ExpectExpansions(kRangeAssign); }

TEST(TemplateTest, DefinedTemplates) { ExpectExpansions(kDefine); }

TEST(TemplateTest, NumberLiteralsLikeStrconv) {
  ExpectExpansions(kNumberLiterals);
  ExpectParseResults(kNumberParseCases);
}

TEST(TemplateTest, NumericStringsParseLikeStrconv) { ExpectExpansions(kParseFloat); }

TEST(TemplateTest, ParseErrorsMatchGo) { ExpectParseResults(kParseErrors); }

TEST(TemplateTest, GeneratedParseCasesMatchGo) { ExpectParseResults(kGeneratedParseCases); }

TEST(TemplateTest, DefineParseCasesMatchGo) { ExpectParseResults(kDefineParseCases); }

TEST(TemplateTest, RecursiveTemplatesAreBounded) {
  EXPECT_EQ(ExpandTemplate(
                kName, "{{ define \"r\" }}{{ template \"r\" . }}{{ end }}{{ template \"r\" 1 }}",
                Data(1)),
            "<error expanding template: error executing template __alert_T: template: "
            "__alert_T:1:140: executing \"r\" at <{{template \"r\" .}}>: exceeded maximum template "
            "depth (100) (opsagent limit)>");
}

TEST(TemplateTest, QueryFunctionsAreRejectedAtParseTime) {
  for (const char* fn : {"query", "first", "label", "value", "strvalue", "sortByLabel"}) {
    SCOPED_TRACE(fn);
    Result<AlertTemplate> parsed =
        AlertTemplate::Parse(kName, std::string("{{ ") + fn + " \"up\" }}");
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().message, std::string("template: __alert_T:1: function \"") + fn +
                                          "\" not supported by opsagent");
  }
  EXPECT_EQ(ExpandTemplate(kName, "{{ query \"up\" | first | value }}", Data(1)),
            "<error expanding template: error parsing template __alert_T: template: "
            "__alert_T:1: function \"query\" not supported by opsagent>");
}

TEST(TemplateTest, ParseOnceExecuteMany) {
  Result<AlertTemplate> parsed =
      AlertTemplate::Parse(kName, "{{ $labels.job }} at {{ humanize $value }}");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  AlertTemplate tmpl = std::move(parsed).value();
  EXPECT_EQ(*tmpl.Execute(Data(1234.5)), "node at 1.234k");
  TemplateData other = Data(0.5);
  other.labels = Labels::FromPairs({{"job", "api"}});
  EXPECT_EQ(*tmpl.Execute(other), "api at 500m");
}

TEST(TemplateTest, ExecuteIsReentrant) {
  Result<AlertTemplate> parsed = AlertTemplate::Parse(
      kName,
      "{{ range $k, $v := $labels }}{{ $k }}={{ $v | reReplaceAll \"o+\" \"0\" }} "
      "{{ end }}{{ humanize $value }}");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const AlertTemplate& tmpl = *parsed;
  std::vector<std::string> outputs(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      TemplateData data = Data(1000.0 * (t + 1));
      for (int i = 0; i < 200; ++i) outputs[t] = *tmpl.Execute(data);
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(outputs[0], "instance=h0st:9100 job=n0de severity=critical 1k");
  EXPECT_EQ(outputs[3], "instance=h0st:9100 job=n0de severity=critical 4k");
}

TEST(TemplateTest, ExecuteErrorNamesTemplateAndPosition) {
  Result<AlertTemplate> parsed = AlertTemplate::Parse(kName, "{{ humanize \"x\" }}");
  ASSERT_TRUE(parsed.ok());
  Result<std::string> out = parsed->Execute(Data(1));
  ASSERT_FALSE(out.ok());
  // Column 115: Prometheus's 112-byte variable header precedes the user's text.
  EXPECT_EQ(out.error().message,
            "error executing template __alert_T: template: __alert_T:1:115: executing "
            "\"__alert_T\" at <humanize \"x\">: error calling humanize: strconv.ParseFloat: "
            "parsing \"x\": invalid syntax");
}

TEST(TemplateTest, MissingLabelIsEmptyAndExternalUrlIsData) {
  TemplateData data = Data(1);
  data.external_url = "https://prom.example.com/sub/path";
  EXPECT_EQ(ExpandTemplate(kName, "[{{ $labels.absent }}][{{ .Labels.absent }}]", data), "[][]");
  EXPECT_EQ(ExpandTemplate(kName, "{{ $externalURL }} {{ externalURL }} {{ pathPrefix }}", data),
            "https://prom.example.com/sub/path https://prom.example.com/sub/path /sub/path");
}

TEST(TemplateTest, OutputIsBounded) {
  std::string out =
      ExpandTemplate(kName, "{{ range $labels }}{{ printf \"%030000d\" 1 }}{{ end }}", Data(1));
  EXPECT_THAT(out, StartsWith("<error expanding template: error executing template __alert_T:"));
  EXPECT_THAT(out, HasSubstr("output exceeds 65536 bytes (opsagent limit)"));
}

TEST(TemplateTest, EvaluationStepsAreBounded) {
  std::vector<Label> many;
  for (int i = 0; i < 60; ++i) many.push_back({"l" + std::to_string(i), "v"});
  TemplateData data = Data(1);
  data.labels = Labels::FromVector(many);
  std::string out = ExpandTemplate(
      kName, "{{ range $labels }}{{ range $labels }}{{ range $labels }}{{ end }}{{ end }}{{ end }}",
      data);
  EXPECT_THAT(out, HasSubstr("exceeded 100000 evaluation steps (opsagent limit)"));
  // Below the bound the same shape runs to completion.
  data.labels = Labels::FromVector(std::vector<Label>(many.begin(), many.begin() + 10));
  EXPECT_EQ(ExpandTemplate(kName,
                           "{{ $n := 0 }}{{ range $labels }}{{ range $labels }}{{ $n = . }}"
                           "{{ end }}{{ end }}{{ $n }}",
                           data),
            "v");
}

TEST(TemplateTest, DeepNestingIsAParseError) {
  std::string text;
  for (int i = 0; i < 300; ++i) text += "(";
  text += "1";
  for (int i = 0; i < 300; ++i) text += ")";
  Result<AlertTemplate> parsed = AlertTemplate::Parse(kName, "{{ " + text + " }}");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().message, "template: __alert_T:1: max expression depth exceeded");
}

}  // namespace
}  // namespace opsagent::rules
