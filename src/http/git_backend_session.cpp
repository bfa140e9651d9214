#include "http/git_backend_session.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/file_body.hpp>
#include <filesystem>
#include <map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "scm/git_http_backend.h"
#include "scm/git_repository.h"
#include "util/child_process.h"
#include "util/crypto.h"
#include "util/error.h"
#include "util/strings.h"

namespace slipway::http {

namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

constexpr std::uint64_t kMaxPushBytes = 2ULL << 30;
constexpr std::chrono::minutes kIoTimeout{5};  // per read or write of a git request

class GitBackendSession : public std::enable_shared_from_this<GitBackendSession> {
 public:
  GitBackendSession(ServerContext& context, beast::tcp_stream stream, beast::flat_buffer buffer,
                    std::unique_ptr<HeaderParser> parser, std::string remote)
      : context_(context),
        stream_(std::move(stream)),
        buffer_(std::move(buffer)),
        header_parser_(std::move(parser)),
        remote_(std::move(remote)),
        output_(context.io),
        exit_watch_(context.io) {}

  void start() {
    const auto& header = header_parser_->get();
    std::string target(header.target());
    auto question = target.find('?');
    path_ = target.substr(0, question);
    query_ = question == std::string::npos ? "" : target.substr(question + 1);
    auto route = scm::parse_git_route(path_, query_);
    if (!route) return respond(404, "not a git repository path");
    route_ = *route;

    std::string authorization(header[beast_http::field::authorization]);
    auto token = context_.auth.identify(authorization);
    auto needed = route_.is_push ? store::Role::deployer : store::Role::viewer;
    if (!token) {
      return respond(401, authorization.empty() ? "authentication required: use a Slipway token as the password"
                                                : "invalid token: use a Slipway token as the password",
                     true);
    }
    if (static_cast<int>(token->role) < static_cast<int>(needed)) {
      return respond(403, "this token may not push (a deployer or admin token can)");
    }
    user_ = token->name;
    project_ = context_.store.find_project(route_.project);
    if (!project_) {
      return respond(404, "no project '" + route_.project + "'; create it with: slipway project create " +
                              route_.project);
    }
    if (header.method() == beast_http::verb::post) {
      read_body();
    } else {
      run_backend(-1);
    }
  }

 private:
  void read_body() {
    std::filesystem::create_directories(context_.layout.home() + "/tmp");
    body_path_ = context_.layout.home() + "/tmp/git-" + util::random_hex(8);
    auto length = header_parser_->content_length();
    if (length && *length > kMaxPushBytes) return respond(413, "push too large");
    body_parser_ = std::make_unique<beast_http::request_parser<beast_http::file_body>>(std::move(*header_parser_));
    body_parser_->body_limit(kMaxPushBytes);
    beast::error_code ec;
    body_parser_->get().body().open(body_path_.c_str(), beast::file_mode::write, ec);
    if (ec) return respond(500, "cannot spool the request: " + ec.message());
    stream_.expires_after(kIoTimeout);
    beast_http::async_read(stream_, buffer_, *body_parser_, [self = shared_from_this()](beast::error_code ec2,
                                                                                         std::size_t) {
      if (ec2 == beast_http::error::body_limit) return self->respond(413, "push too large");
      if (ec2) return self->finish();
      self->body_parser_->get().body().close();
      try {
        util::Fd fd = util::open_file(self->body_path_, O_RDONLY);
        ::unlink(self->body_path_.c_str());
        if (self->route_.rest == "/git-receive-pack") self->read_ref_updates(fd.get());
        self->run_backend(fd.get());
      } catch (const util::Error& e) {
        self->respond(500, e.what());
      }
    });
  }

  void run_backend(int body_fd) {
    const auto& fields = body_parser_ ? body_parser_->get().base() : header_parser_->get().base();
    scm::CgiRequest cgi;
    cgi.method = std::string(fields.method_string());
    cgi.project_root = context_.layout.repos_dir();
    cgi.path_info = "/" + route_.project + ".git" + route_.rest;
    cgi.query = query_;
    cgi.remote_user = user_;
    cgi.remote_addr = remote_;
    if (auto it = fields.find(beast_http::field::content_type); it != fields.end()) {
      cgi.content_type = std::string(it->value());
    }
    if (body_fd >= 0) {
      struct stat st {};
      ::fstat(body_fd, &st);
      cgi.content_length = std::to_string(st.st_size);
    }
    for (const auto& field : fields) cgi.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));

    try {
      util::Pipe pipe = util::make_pipe();
      util::SpawnOptions spawn;
      spawn.argv = {"git", "http-backend"};
      spawn.env = scm::cgi_environment(cgi, context_.base_env);
      spawn.stdin_fd = body_fd;
      spawn.stdout_fd = pipe.write.get();
      spawn.stderr_fd = STDERR_FILENO;
      child_ = util::ChildProcess::spawn(spawn);
      output_.assign(pipe.read.release());
    } catch (const util::Error& e) {
      return respond(500, e.what());
    }
    read_output();
  }

  void read_output() {
    output_.async_read_some(asio::buffer(chunk_), [self = shared_from_this()](boost::system::error_code ec,
                                                                             std::size_t n) {
      if (self->done_) return;
      if (n > 0) {
        if (!self->head_sent_) {
          self->pending_.append(self->chunk_.data(), n);
          return self->try_send_head(ec);
        }
        return self->send_chunk(std::string(self->chunk_.data(), n), ec);
      }
      self->on_output_end();
    });
  }

  void try_send_head(boost::system::error_code read_error) {
    auto end = scm::find_cgi_head_end(pending_);
    if (end == std::string::npos) {
      if (read_error || pending_.size() > 64 * 1024) return respond(502, "git http-backend sent no valid header");
      return read_output();
    }
    auto head = scm::parse_cgi_head(std::string_view(pending_).substr(0, end));
    if (!head) return respond(502, "git http-backend sent a malformed header");
    std::string response = fmt::format("HTTP/1.1 {} {}\r\n", head->status,
                                       std::string(beast_http::obsolete_reason(static_cast<beast_http::status>(head->status))));
    for (const auto& [name, value] : head->headers) {
      // The body goes out chunked; a length from the CGI would contradict that.
      if (util::to_lower(name) == "content-length" || util::to_lower(name) == "transfer-encoding") continue;
      response += name + ": " + value + "\r\n";
    }
    response += "Transfer-Encoding: chunked\r\nConnection: close\r\nServer: slipway\r\n\r\n";
    head_sent_ = true;
    std::string body = pending_.substr(end);
    pending_.clear();
    write_raw(std::move(response), [self = shared_from_this(), body = std::move(body), read_error]() mutable {
      if (body.empty()) {
        if (read_error) return self->on_output_end();
        return self->read_output();
      }
      self->send_chunk(std::move(body), read_error);
    });
  }

  void send_chunk(std::string data, boost::system::error_code read_error) {
    std::string framed = fmt::format("{:x}\r\n", data.size());
    framed += data;
    framed += "\r\n";
    write_raw(std::move(framed), [self = shared_from_this(), read_error] {
      if (read_error) return self->on_output_end();
      self->read_output();
    });
  }

  // The push is only answered completely once its runs are queued: a
  // client that saw its push succeed never loses the run to a restart.
  void on_output_end() {
    if (!head_sent_) return respond(502, "git http-backend ended without a response");
    if (!child_.running()) return after_exit(0);
    int watch = ::dup(child_.pidfd());
    if (watch < 0) return after_exit(child_.wait());
    exit_watch_.assign(watch);
    exit_watch_.async_wait(asio::posix::stream_descriptor::wait_read,
                           [self = shared_from_this()](boost::system::error_code) {
                             if (self->done_) return;
                             self->after_exit(self->child_.wait());
                           });
  }

  void after_exit(int status) {
    if (route_.rest == "/git-receive-pack" && util::exit_code_of(status) == 0) enqueue_pushed_branches();
    write_raw("0\r\n\r\n", [self = shared_from_this()] { self->finish(); });
  }

  // The branches this push names, from its commands (read before git saw
  // them), so concurrent pushes never claim each other's updates.
  void read_ref_updates(int body_fd) {
    std::string head(64 * 1024, '\0');
    ssize_t n = ::pread(body_fd, head.data(), head.size(), 0);
    head.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    if (auto updates = scm::parse_receive_pack_commands(head)) ref_updates_ = std::move(*updates);
  }

  void enqueue_pushed_branches() {
    auto repo = context_.repositories.bare(context_.layout.repo(route_.project));
    if (!repo) return;
    auto heads = (*repo)->branch_heads();
    for (const auto& update : ref_updates_) {
      if (update.ref.rfind("refs/heads/", 0) != 0 || update.new_id == std::string(40, '0')) continue;
      // Only updates git accepted: the branch must now point where the push said.
      auto head = heads.find(update.ref);
      if (head == heads.end() || head->second != update.new_id) continue;
      auto info = (*repo)->resolve(update.new_id);
      scheduler::TriggerRequest trigger{"push", update.ref.substr(std::string("refs/heads/").size()), update.new_id,
                                        info ? info->summary : ""};
      try {
        context_.scheduler.enqueue(*project_, trigger);
      } catch (const std::exception& e) {
        spdlog::error("push to {}: cannot queue a run for {}: {}", route_.project, update.ref, e.what());
      }
    }
  }

  template <typename Then>
  void write_raw(std::string data, Then then) {
    auto shared = std::make_shared<std::string>(std::move(data));
    stream_.expires_after(kIoTimeout);  // a client that stops reading is dropped
    asio::async_write(stream_, asio::buffer(*shared),
                      [self = shared_from_this(), shared, then = std::move(then)](boost::system::error_code ec,
                                                                                  std::size_t) mutable {
                        if (self->done_) return;
                        if (ec) return self->finish();  // the client is gone
                        then();
                      });
  }

  void respond(unsigned status, const std::string& message, bool ask_for_credentials = false) {
    if (done_) return;
    if (head_sent_ || responded_) return finish();
    responded_ = true;
    auto response = std::make_shared<Response>(text_response(status, message + "\n"));
    if (ask_for_credentials) response->set(beast_http::field::www_authenticate, "Basic realm=\"slipway\"");
    response->keep_alive(false);
    response->prepare_payload();
    stream_.expires_after(kIoTimeout);
    beast_http::async_write(stream_, *response, [self = shared_from_this(), response](beast::error_code,
                                                                                      std::size_t) {
      self->finish();
    });
  }

  void finish() {
    if (done_) return;
    done_ = true;
    boost::system::error_code ignored;
    output_.close(ignored);
    exit_watch_.close(ignored);
    if (child_.running()) {
      // Done with the client before the child: it has nobody to talk to.
      child_.signal_group(SIGKILL);
      child_.wait();
    }
    beast::error_code ec;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    stream_.close();
    if (!body_path_.empty()) ::unlink(body_path_.c_str());
  }

  ServerContext& context_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::unique_ptr<HeaderParser> header_parser_;
  std::unique_ptr<beast_http::request_parser<beast_http::file_body>> body_parser_;
  std::string remote_;
  std::string path_;
  std::string query_;
  std::string user_;
  std::string body_path_;
  scm::GitRoute route_;
  std::optional<store::Project> project_;
  std::vector<scm::RefUpdate> ref_updates_;
  util::ChildProcess child_;
  asio::posix::stream_descriptor output_;
  asio::posix::stream_descriptor exit_watch_;
  std::array<char, 64 * 1024> chunk_{};
  std::string pending_;
  bool head_sent_ = false;
  bool responded_ = false;
  bool done_ = false;
};

}  // namespace

void serve_git(ServerContext& context, beast::tcp_stream stream, beast::flat_buffer buffer,
               std::unique_ptr<HeaderParser> parser, std::string remote_address) {
  std::make_shared<GitBackendSession>(context, std::move(stream), std::move(buffer), std::move(parser),
                                      std::move(remote_address))
      ->start();
}

}  // namespace slipway::http
