// Native half of the native-vs-wasm check (tests/cross/native_vs_wasm.mjs): reads lines
// "<function>\t<request JSON>" from stdin and prints each api response on one line, in order.
#include <iostream>
#include <string>

#include "esti/api.h"

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    const size_t tab = line.find('\t');
    const std::string fn = line.substr(0, tab);
    const std::string req = tab == std::string::npos ? "" : line.substr(tab + 1);
    std::string out;
    if (fn == "evaluate")
      out = esti::api::Evaluate(req);
    else if (fn == "search")
      out = esti::api::Search(req);
    else if (fn == "frontier")
      out = esti::api::Frontier(req);
    else if (fn == "maxContext")
      out = esti::api::MaxContext(req);
    else if (fn == "describeModel")
      out = esti::api::DescribeModel(req);
    else
      out = "unknown function " + fn;
    std::cout << out << '\n';
  }
  return 0;
}
