// The server's audit log (cli/audit_log.hpp): JSON that is always valid, and
// the final outcome of a push.

#include "cli/audit_log.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace relgate;

TEST_CASE("audit log: every byte sequence becomes valid JSON", "[audit]") {
  CHECK(cli::json_string("refs/tags/v0.1.0") == "\"refs/tags/v0.1.0\"");
  CHECK(cli::json_string("a\"b\\c\n\x01\x7f") == "\"a\\\"b\\\\c\\n\\u0001\\u007f\"");
  CHECK(cli::json_string("caf\xc3\xa9") == "\"caf\xc3\xa9\"");          // UTF-8 as it is
  CHECK(cli::json_string("build-\xff") == "\"build-\\\\xff\"");         // not UTF-8: the text \xff
  CHECK(cli::json_string("\xc0\xaf") == "\"\\\\xc0\\\\xaf\"");          // an overlong '/'
  CHECK(cli::json_string("\xed\xa0\x80") == "\"\\\\xed\\\\xa0\\\\x80\""); // a surrogate
  CHECK(cli::json_string("\xe2\x80") == "\"\\\\xe2\\\\x80\"");          // cut short
}

TEST_CASE("audit log: the final outcome of a push", "[audit]") {
  char dir[] = "/tmp/relgate-audit-test.XXXXXX";
  REQUIRE(::mkdtemp(dir));
  const std::string path = std::string(dir) + "/audit.log";
  policy::Request request;
  request.updates = {{"refs/heads/main", std::string(40, '0'), std::string(40, 'a')}};
  request.pusher = "alice";
  policy::Verdict accepted;
  auto read = [&] {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  };
  {
    cli::AuditRecord record(path, "pre-receive");
    record.judged(request, accepted);
    record.write();
    record.write(); // once
  }
  auto first = read();
  CHECK(first.find("\"verdict\":\"accepted\",\"rules\":[],\"override\":null,\"refused_by\":null}\n") != std::string::npos);
  CHECK(std::count(first.begin(), first.end(), '\n') == 1);
  {
    cli::AuditRecord record(path, "pre-receive");
    record.judged(request, accepted);
    record.refused("the chained hook pre-receive.relgate-chained exited 1");
    record.refused("a later reason does not count");
    record.write();
  }
  auto second = read().substr(first.size());
  CHECK(second.find("\"verdict\":\"refused\",\"rules\":[],\"override\":null,"
                    "\"refused_by\":\"the chained hook pre-receive.relgate-chained exited 1\"}\n") != std::string::npos);
  // A fragment left by something else is ended before the next line.
  std::ofstream(path, std::ios::app) << "{\"time\":\"2024";
  {
    cli::AuditRecord record(path, "update");
    record.judged(request, accepted);
    record.write();
  }
  auto all = read();
  CHECK(all.find("{\"time\":\"2024\n{\"time\":") != std::string::npos);
  ::unlink(path.c_str());
  ::rmdir(dir);
}
