#include "esti/io/share_link.h"
#include "respond.h"

namespace esti::api {

std::string DecodeLink(std::string_view fragment) {
  return internal::Guarded([&]() -> io::Json {
    Result<io::ShareLink> link = io::DecodeShareLink(fragment);
    if (!link.ok()) throw io::InputError{link.error()};
    if (link->empty) return io::Json{{"empty", true}};
    io::Json out = {{"empty", false}, {"scenario", link->scenario}};
    if (link->second_scenario) out["second_scenario"] = *link->second_scenario;
    if (link->view) out["view"] = *link->view;
    if (!link->compare_hardware.empty()) out["compare_hardware"] = link->compare_hardware;
    return out;
  });
}

}  // namespace esti::api
