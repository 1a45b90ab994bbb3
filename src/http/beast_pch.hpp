#pragma once
// Precompiled for src/http/: Beast, Asio and their coroutine support cost most of a build.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
