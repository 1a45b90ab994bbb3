#include "store/postgres/connection_pool.hpp"

#include <algorithm>

namespace assetd::store::postgres {

ConnectionPool::ConnectionPool(const std::string& url, std::size_t size) {
  for (std::size_t i = 0; i < std::max<std::size_t>(size, 1); ++i)
    idle_.push_back(std::make_unique<Connection>(url));
}

ConnectionPool::Lease ConnectionPool::acquire() {
  std::unique_ptr<Connection> conn;
  {
    std::unique_lock lock(mutex_);
    freed_.wait(lock, [&] { return !idle_.empty(); });
    conn = std::move(idle_.back());
    idle_.pop_back();
  }
  if (!conn->healthy()) conn->reset();  // a failed reset shows as an error on first use
  return Lease(*this, std::move(conn));
}

void ConnectionPool::release(std::unique_ptr<Connection> conn) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(conn));
  }
  freed_.notify_one();
}

}  // namespace assetd::store::postgres
