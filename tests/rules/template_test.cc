// Alert templates: Go text/template semantics and Prometheus's functions, checked against
// promtool 2.42. Every expected string below was printed by `promtool test rules` (or
// `promtool check rules` for parse errors) for the same template, value and labels; the
// generator rule file put each template in an annotation of alert T with the labels below.
#include "rules/template.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
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

TEST(TemplateTest, ValueFormattingMatchesGo) { ExpectExpansions(kBasics); }

TEST(TemplateTest, HumanizeFamilyMatchesPromtool) { ExpectExpansions(kHumanize); }

TEST(TemplateTest, BuiltinsAndPrometheusFunctions) { ExpectExpansions(kBuiltins); }

TEST(TemplateTest, ControlFlowTrimPrintfAndErrorPositions) { ExpectExpansions(kSemantics); }

TEST(TemplateTest, FloatBinaryAndHexVerbs) { ExpectExpansions(kFloatBits); }

TEST(TemplateTest, ParseErrorsMatchGo) {
  for (const ParseCase& c : kParseErrors) {
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
