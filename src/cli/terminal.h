// What the client may assume about the terminal it writes to: whether colour is
// wanted (a TTY, NO_COLOR unset, TERM not "dumb"), the colours it uses for
// states, and asking the person at the keyboard to confirm.
#pragma once

#include <string>
#include <string_view>

namespace slipway::cli {

enum class Colour { none, red, green, yellow, blue, magenta, cyan, grey, bold };

// True when FD is a terminal and the environment does not ask for plain text
// (https://no-color.org).
bool colour_wanted(int fd);

// TEXT wrapped in the ANSI sequence for COLOUR when ENABLED, TEXT itself otherwise.
std::string paint(std::string_view text, Colour colour, bool enabled);

// The colour of a run or step status: green success, red failure, and so on.
Colour status_colour(std::string_view status);

// A colour per step, cycling, so interleaved logs of parallel steps stay apart.
Colour step_colour(int index);

// Asks QUESTION on stderr and reads y/N from stdin; false on anything but yes.
bool confirm(std::string_view question);

bool stdin_is_terminal();

}  // namespace slipway::cli
