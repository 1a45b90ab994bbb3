#pragma once
// Assertions on the core::ApiError a call throws: its status and its exact message.
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace assetd::testing {

// Succeeds when f() throws an ApiError with `status` whose message is exactly `message`.
template <class F>
::testing::AssertionResult throwsApiError(F&& f, std::string_view message, int status = 400) {
  try {
    f();
  } catch (const core::ApiError& e) {
    if (e.status() == status && e.what() == message) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "threw " << e.status() << " \"" << e.what() << "\"";
  }
  return ::testing::AssertionFailure() << "threw nothing";
}

// Succeeds when f() throws a 400 ApiError whose message starts with `prefix`.
template <class F>
::testing::AssertionResult throwsApiErrorStartingWith(F&& f, std::string_view prefix) {
  try {
    f();
  } catch (const core::ApiError& e) {
    if (e.status() == 400 && std::string_view(e.what()).starts_with(prefix))
      return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "threw " << e.status() << " \"" << e.what() << "\"";
  }
  return ::testing::AssertionFailure() << "threw nothing";
}

}  // namespace assetd::testing
