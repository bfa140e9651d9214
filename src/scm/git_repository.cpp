#include "scm/git_repository.h"

#include <filesystem>
#include <fstream>

#include "util/error.h"

namespace slipway::scm {

namespace {

template <typename T, void (*FreeFn)(T*)>
struct GitFree {
  void operator()(T* object) const { FreeFn(object); }
};
template <typename T, void (*FreeFn)(T*)>
using GitPtr = std::unique_ptr<T, GitFree<T, FreeFn>>;

using CommitPtr = GitPtr<git_commit, git_commit_free>;
using ObjectPtr = GitPtr<git_object, git_object_free>;
using TreePtr = GitPtr<git_tree, git_tree_free>;
using EntryPtr = GitPtr<git_tree_entry, git_tree_entry_free>;
using BlobPtr = GitPtr<git_blob, git_blob_free>;
using ReferencePtr = GitPtr<git_reference, git_reference_free>;
using IteratorPtr = GitPtr<git_reference_iterator, git_reference_iterator_free>;
using RepoPtr = GitPtr<git_repository, git_repository_free>;
using OdbPtr = GitPtr<git_odb, git_odb_free>;
using ConfigPtr = GitPtr<git_config, git_config_free>;

std::string oid_hex(const git_oid* oid) {
  char buffer[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buffer, sizeof buffer, oid);
  return buffer;
}

CommitInfo describe(git_commit* commit) {
  CommitInfo info;
  info.id = oid_hex(git_commit_id(commit));
  const char* summary = git_commit_summary(commit);
  info.summary = summary ? summary : "";
  info.time_ms = static_cast<std::int64_t>(git_commit_time(commit)) * 1000;
  return info;
}

}  // namespace

GitLibrary::GitLibrary() {
  git_libgit2_init();
  // Repositories stay open for the daemon's life: keep libgit2's object cache
  // small (its default is 256 MiB), the OS caches the files anyway.
  git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, static_cast<ssize_t>(4 * 1024 * 1024));
}
GitLibrary::~GitLibrary() { git_libgit2_shutdown(); }

void check_git(int rc, const std::string& what) {
  if (rc >= 0) return;
  const git_error* error = git_error_last();
  throw util::Error(what + ": " + (error && error->message ? error->message : "libgit2 error"));
}

util::Expected<GitRepository> GitRepository::open_or_init_bare(const std::string& path) {
  GitRepository result;
  git_repository* raw = nullptr;
  if (git_repository_open_bare(&raw, path.c_str()) == 0) {
    result.repo_.reset(raw);
    result.path_ = path;
    return result;
  }
  if (git_repository_init(&raw, path.c_str(), /*is_bare=*/1) < 0) {
    const git_error* error = git_error_last();
    return util::unexpected("create git repository " + path + ": " + (error ? error->message : "failed"));
  }
  result.repo_.reset(raw);
  result.path_ = path;
  git_config* raw_config = nullptr;
  if (git_repository_config(&raw_config, raw) == 0) {
    ConfigPtr config(raw_config);
    // Pushes arrive through git http-backend; the daemon does the authentication.
    git_config_set_bool(config.get(), "http.receivepack", 1);
    git_config_set_bool(config.get(), "receive.denyDeleteCurrent", 0);
  }
  return result;
}

util::Expected<GitRepository> GitRepository::open(const std::string& path) {
  git_repository* raw = nullptr;
  if (git_repository_open(&raw, path.c_str()) < 0) {
    const git_error* error = git_error_last();
    return util::unexpected("open git repository " + path + ": " + (error ? error->message : "failed"));
  }
  GitRepository result;
  result.repo_.reset(raw);
  result.path_ = path;
  return result;
}

std::map<std::string, std::string> GitRepository::branch_heads() const {
  std::map<std::string, std::string> heads;
  git_reference_iterator* raw_iterator = nullptr;
  check_git(git_reference_iterator_glob_new(&raw_iterator, repo_.get(), "refs/heads/*"), "list branches");
  IteratorPtr iterator(raw_iterator);
  git_reference* raw_ref = nullptr;
  while (git_reference_next(&raw_ref, iterator.get()) == 0) {
    ReferencePtr ref(raw_ref);
    git_reference* raw_resolved = nullptr;
    if (git_reference_resolve(&raw_resolved, ref.get()) != 0) continue;
    ReferencePtr resolved(raw_resolved);
    const git_oid* target = git_reference_target(resolved.get());
    if (target != nullptr) heads[git_reference_name(ref.get())] = oid_hex(target);
  }
  return heads;
}

std::optional<CommitInfo> GitRepository::resolve(const std::string& ref) const {
  if (ref.empty() || ref.front() == '-') return std::nullopt;
  // Branch names win over tags and abbreviated ids, as `git rev-parse` does.
  for (const std::string& candidate : {"refs/heads/" + ref, "refs/tags/" + ref, ref}) {
    git_object* raw = nullptr;
    if (git_revparse_single(&raw, repo_.get(), candidate.c_str()) != 0) continue;
    ObjectPtr object(raw);
    git_object* raw_commit = nullptr;
    if (git_object_peel(&raw_commit, object.get(), GIT_OBJECT_COMMIT) != 0) continue;
    ObjectPtr commit_object(raw_commit);
    return describe(reinterpret_cast<git_commit*>(commit_object.get()));
  }
  return std::nullopt;
}

std::optional<std::string> GitRepository::read_file(const std::string& commit, const std::string& path) const {
  git_oid oid;
  check_git(git_oid_fromstr(&oid, commit.c_str()), "commit id " + commit);
  git_commit* raw_commit = nullptr;
  check_git(git_commit_lookup(&raw_commit, repo_.get(), &oid), "find commit " + commit);
  CommitPtr commit_ptr(raw_commit);
  git_tree* raw_tree = nullptr;
  check_git(git_commit_tree(&raw_tree, commit_ptr.get()), "tree of " + commit);
  TreePtr tree(raw_tree);
  git_tree_entry* raw_entry = nullptr;
  int rc = git_tree_entry_bypath(&raw_entry, tree.get(), path.c_str());
  if (rc == GIT_ENOTFOUND) return std::nullopt;
  check_git(rc, "find " + path);
  EntryPtr entry(raw_entry);
  if (git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB) return std::nullopt;
  git_blob* raw_blob = nullptr;
  check_git(git_blob_lookup(&raw_blob, repo_.get(), git_tree_entry_id(entry.get())), "read " + path);
  BlobPtr blob(raw_blob);
  const auto* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
  return std::string(data, static_cast<std::size_t>(git_blob_rawsize(blob.get())));
}

void GitRepository::checkout_into(const std::string& commit, const std::string& branch,
                                  const std::string& dir) const {
  // The smallest repository git accepts, written by hand: HEAD, refs/ and
  // objects/ borrowing this repository's objects. `git init` writes three
  // times as many files (hooks, description, reflogs), and creating files is
  // most of what a workspace costs.
  namespace fs = std::filesystem;
  git_oid oid;
  check_git(git_oid_fromstr(&oid, commit.c_str()), "commit id " + commit);
  int valid = 0;
  std::string ref_name = "refs/heads/" + branch;
  bool on_branch = !branch.empty() && git_reference_name_is_valid(&valid, ref_name.c_str()) == 0 && valid;
  fs::path git_dir = fs::path(dir) / ".git";
  auto write = [](const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw util::Error("write " + path.string());
  };
  std::error_code ec;
  if (fs::exists(git_dir, ec)) throw util::Error("create workspace " + dir + ": a repository is already there");
  fs::create_directories(git_dir / "objects" / "info", ec);
  if (!ec) fs::create_directories(git_dir / (on_branch ? fs::path(ref_name).parent_path() : fs::path("refs")), ec);
  if (ec) throw util::Error("create workspace " + dir + ": " + ec.message());
  write(git_dir / "objects" / "info" / "alternates", fs::absolute(path_).string() + "/objects\n");
  if (on_branch) {
    write(git_dir / ref_name, commit + "\n");
    write(git_dir / "HEAD", "ref: " + ref_name + "\n");
  } else {
    write(git_dir / "HEAD", commit + "\n");
  }

  git_repository* raw_ws = nullptr;
  check_git(git_repository_open(&raw_ws, git_dir.c_str()), "open workspace " + dir);
  RepoPtr workspace(raw_ws);
  git_commit* raw_commit = nullptr;
  check_git(git_commit_lookup(&raw_commit, workspace.get(), &oid), "find commit " + commit);
  CommitPtr commit_ptr(raw_commit);
  git_checkout_options checkout_options = GIT_CHECKOUT_OPTIONS_INIT;
  checkout_options.checkout_strategy = GIT_CHECKOUT_FORCE;
  check_git(git_checkout_head(workspace.get(), &checkout_options), "check out " + commit);
}

}  // namespace slipway::scm
