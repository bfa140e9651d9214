// Release trees: moving a workspace into place, the symlink switch, pruning, and a removal that
// walks directories by descriptor (openat/unlinkat) so that no symlink inside the tree is followed.
#include "deploy/release_directory.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <functional>
#include <memory>

#include "util/crypto.h"
#include "util/error.h"
#include "util/fd.h"

namespace slipway::deploy {

namespace fs = std::filesystem;

namespace {

bool path_exists(const std::string& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) == 0) return true;
  if (errno != ENOENT && errno != ENOTDIR) util::throw_errno("lstat " + path);
  return false;
}

std::string parent_of(const std::string& path) {
  std::string parent = fs::path(path).parent_path().string();
  return parent.empty() ? "." : parent;
}

void fsync_directory(const std::string& path) {
  util::Fd dir = util::open_file(path, O_RDONLY | O_DIRECTORY);
  if (::fsync(dir.get()) != 0) util::throw_errno("fsync " + path);
}

std::vector<std::string> entry_names(int dir_fd, const std::string& path) {
  int copy = ::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) util::throw_errno("dup descriptor of " + path);
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::fdopendir(copy), &::closedir);
  if (!dir) {
    int saved = errno;
    ::close(copy);
    util::throw_errno("opendir " + path, saved);
  }
  std::vector<std::string> names;
  while (true) {
    errno = 0;
    dirent* entry = ::readdir(dir.get());
    if (entry == nullptr) {
      if (errno != 0) util::throw_errno("readdir " + path);
      break;
    }
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  return names;
}

// Removes NAME inside the directory DIR_FD (whose path is DIR_PATH, for messages).
void remove_entry(int dir_fd, const std::string& dir_path, const std::string& name) {
  std::string path = dir_path + "/" + name;
  struct stat info {};
  if (::fstatat(dir_fd, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return;
    util::throw_errno("stat " + path);
  }
  if (!S_ISDIR(info.st_mode)) {
    if (::unlinkat(dir_fd, name.c_str(), 0) != 0 && errno != ENOENT) util::throw_errno("remove " + path);
    return;
  }
  // Build tools (Go's module cache, for one) leave read-only directories behind.
  if ((info.st_mode & S_IRWXU) != S_IRWXU &&
      ::fchmodat(dir_fd, name.c_str(), (info.st_mode & 07777) | S_IRWXU, 0) != 0) {
    util::throw_errno("make " + path + " writable to remove it");
  }
  int sub = ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (sub < 0) util::throw_errno("open " + path);
  util::Fd sub_fd(sub);
  for (const std::string& child : entry_names(sub_fd.get(), path)) remove_entry(sub_fd.get(), path, child);
  sub_fd.reset();
  if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT)
    util::throw_errno("remove " + path);
}

// The EXDEV fallback. Hard links cannot cross filesystems (link(2) fails with EXDEV exactly
// where rename(2) does), so this copies: directories, regular files with their modes, symlinks
// as symlinks. Sockets and FIFOs left behind by steps are an error.
void copy_tree(const std::string& from, const std::string& to) {
  std::error_code error;
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks, error);
  if (error) {
    try {
      remove_tree(to);
    } catch (const util::Error&) {
      // The copy's error is the one worth reporting.
    }
    throw util::Error("copy " + from + " to " + to + ": " + error.message());
  }
}

}  // namespace

void make_release_tree(const std::string& workspace, const std::string& dest) {
  if (!path_exists(workspace)) throw util::Error("workspace " + workspace + " does not exist");
  if (path_exists(dest)) throw util::Error("release directory " + dest + " already exists");
  std::error_code error;
  fs::create_directories(parent_of(dest), error);
  if (error) throw util::Error("create " + parent_of(dest) + ": " + error.message());
  remove_tree(workspace + "/.git");
  if (::rename(workspace.c_str(), dest.c_str()) != 0) {
    if (errno != EXDEV) util::throw_errno("rename " + workspace + " to " + dest);
    copy_tree(workspace, dest);
    remove_tree(workspace);
  }
  fsync_directory(parent_of(dest));
}

void switch_symlink(const std::string& link, const std::string& target) {
  std::string temporary = link + ".tmp-" + util::random_hex(6);
  if (::symlink(target.c_str(), temporary.c_str()) != 0) util::throw_errno("symlink " + temporary);
  if (::rename(temporary.c_str(), link.c_str()) != 0) {
    int saved = errno;
    ::unlink(temporary.c_str());
    util::throw_errno("rename " + temporary + " to " + link, saved);
  }
  fsync_directory(parent_of(link));
}

std::vector<int> releases_to_prune(std::vector<int> numbers, int keep,
                                   const std::set<int>& protected_numbers) {
  std::sort(numbers.begin(), numbers.end(), std::greater<>());
  numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
  std::vector<int> prune;
  for (std::size_t i = static_cast<std::size_t>(std::max(keep, 0)); i < numbers.size(); ++i) {
    if (!protected_numbers.contains(numbers[i])) prune.push_back(numbers[i]);
  }
  std::sort(prune.begin(), prune.end());
  return prune;
}

std::string release_dir_name(int number, std::string_view commit) {
  return std::to_string(number) + "-" + std::string(commit.substr(0, 7));
}

void remove_tree(const std::string& path) {
  if (!path_exists(path)) return;
  std::string trimmed = path;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  fs::path full(trimmed);
  std::string parent = parent_of(trimmed);
  std::string name = full.filename().string();
  if (name.empty() || name == "." || name == "..") throw util::Error("refusing to remove " + path);
  util::Fd parent_fd = util::open_file(parent, O_RDONLY | O_DIRECTORY);
  remove_entry(parent_fd.get(), parent, name);
}

}  // namespace slipway::deploy
