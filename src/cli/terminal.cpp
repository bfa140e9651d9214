// Terminal capabilities, colours and confirmation prompts.
#include "cli/terminal.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "util/strings.h"

namespace slipway::cli {

bool colour_wanted(int fd) {
  if (isatty(fd) != 1) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  const char* term = std::getenv("TERM");
  return term == nullptr || std::string_view(term) != "dumb";
}

std::string paint(std::string_view text, Colour colour, bool enabled) {
  if (!enabled || colour == Colour::none) return std::string(text);
  const char* code = "";
  switch (colour) {
    case Colour::red:
      code = "31";
      break;
    case Colour::green:
      code = "32";
      break;
    case Colour::yellow:
      code = "33";
      break;
    case Colour::blue:
      code = "34";
      break;
    case Colour::magenta:
      code = "35";
      break;
    case Colour::cyan:
      code = "36";
      break;
    case Colour::grey:
      code = "90";
      break;
    case Colour::bold:
      code = "1";
      break;
    case Colour::none:
      break;
  }
  return std::string("\x1b[") + code + "m" + std::string(text) + "\x1b[0m";
}

Colour status_colour(std::string_view status) {
  if (status == "success") return Colour::green;
  if (status == "failed" || status == "crashed") return Colour::red;
  if (status == "cancelled" || status == "interrupted" || status == "superseded" || status == "backoff")
    return Colour::yellow;
  if (status == "running") return Colour::cyan;
  return Colour::grey;  // queued, pending, skipped
}

Colour step_colour(int index) {
  static constexpr Colour kPalette[] = {Colour::cyan, Colour::magenta, Colour::blue, Colour::yellow,
                                        Colour::green};
  constexpr int kCount = sizeof(kPalette) / sizeof(kPalette[0]);
  return kPalette[((index % kCount) + kCount) % kCount];
}

bool confirm(std::string_view question) {
  std::cerr << question << " [y/N] " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  std::string reply = util::to_lower(util::trim(answer));
  return reply == "y" || reply == "yes";
}

bool stdin_is_terminal() { return isatty(STDIN_FILENO) == 1; }

}  // namespace slipway::cli
