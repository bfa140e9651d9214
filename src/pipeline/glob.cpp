// Glob matching for branch filters, as a set-of-positions simulation: backtracking matchers go
// exponential on patterns like `*a*a*a*b`, and the patterns come from repositories we do not control.
#include "pipeline/glob.h"

#include <algorithm>
#include <vector>

namespace slipway::pipeline {

bool glob_match(std::string_view pattern, std::string_view text) {
  const std::size_t n = text.size();
  // reachable[i]: the pattern consumed so far can match exactly text[0, i).
  std::vector<char> reachable(n + 1, 0);
  std::vector<char> next(n + 1, 0);
  reachable[0] = 1;

  std::size_t p = 0;
  while (p < pattern.size()) {
    std::fill(next.begin(), next.end(), 0);
    if (pattern[p] == '*') {
      bool crosses_slash = p + 1 < pattern.size() && pattern[p + 1] == '*';
      // Further stars add nothing: `***` is `**`.
      while (p < pattern.size() && pattern[p] == '*') ++p;
      bool any = false;
      for (std::size_t i = 0; i <= n; ++i) {
        if (reachable[i]) any = true;
        next[i] = any;
        if (!crosses_slash && i < n && text[i] == '/') any = false;
      }
    } else {
      char wanted = pattern[p++];
      for (std::size_t i = 0; i < n; ++i) {
        if (!reachable[i]) continue;
        bool ok = wanted == '?' ? text[i] != '/' : text[i] == wanted;
        if (ok) next[i + 1] = 1;
      }
    }
    reachable.swap(next);
  }
  return reachable[n] != 0;
}

}  // namespace slipway::pipeline
