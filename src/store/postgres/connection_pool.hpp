#pragma once
// A fixed number of connections to one database, lent out one caller at a time. A connection
// that broke (server restart, network) is reconnected before it is lent again.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/postgres/connection.hpp"

namespace assetd::store::postgres {

class ConnectionPool {
 public:
  // Opens all `size` connections up front, so that a wrong URL fails at start.
  ConnectionPool(const std::string& url, std::size_t size);

  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<Connection> conn)
        : pool_(pool), conn_(std::move(conn)) {}
    ~Lease() { pool_.release(std::move(conn_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Connection& conn() { return *conn_; }

   private:
    ConnectionPool& pool_;
    std::unique_ptr<Connection> conn_;
  };

  // Blocks until a connection is free.
  Lease acquire();

 private:
  void release(std::unique_ptr<Connection> conn);

  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace assetd::store::postgres
