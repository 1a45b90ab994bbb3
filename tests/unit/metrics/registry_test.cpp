#include "metrics/registry.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>
#include <vector>

namespace assetd::metrics {
namespace {

TEST(Registry, SameNameAndLabelsAreTheSameSeries) {
  Registry registry;
  auto& a = registry.counter("x_total", "help", {{"k", "1"}});
  auto& b = registry.counter("x_total", "help", {{"k", "1"}});
  auto& c = registry.counter("x_total", "help", {{"k", "2"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
}

TEST(Registry, RefusesOneNameWithTwoTypes) {
  Registry registry;
  registry.counter("y", "help");
  EXPECT_THROW(registry.gauge("y", "help"), std::invalid_argument);
}

TEST(Registry, RendersCountersAndGaugesInTheTextFormat) {
  Registry registry;
  registry.counter("requests_total", "Requests", {{"route", "/a"}, {"method", "GET"}}).inc(3);
  registry.gauge("open", "Open now").add(-2);
  EXPECT_EQ(registry.render(),
            "# HELP requests_total Requests\n"
            "# TYPE requests_total counter\n"
            "requests_total{route=\"/a\",method=\"GET\"} 3\n"
            "# HELP open Open now\n"
            "# TYPE open gauge\n"
            "open -2\n");
}

TEST(Registry, EscapesLabelValuesAndHelp) {
  Registry registry;
  registry.counter("e_total", "a \\ b\nc", {{"v", "q\"\\\n"}}).inc();
  EXPECT_EQ(registry.render(),
            "# HELP e_total a \\\\ b\\nc\n"
            "# TYPE e_total counter\n"
            "e_total{v=\"q\\\"\\\\\\n\"} 1\n");
}

TEST(Histogram, CountsCumulativeBucketsSumAndCount) {
  Registry registry;
  auto& h = registry.histogram("d_seconds", "Durations", {}, {0.1, 1});
  h.observe(0.05);
  h.observe(0.1);  // a bound is inclusive
  h.observe(0.5);
  h.observe(7);
  EXPECT_EQ(h.count(), 4u);
  EXPECT_NEAR(h.sum(), 7.65, 1e-6);
  EXPECT_EQ(registry.render(),
            "# HELP d_seconds Durations\n"
            "# TYPE d_seconds histogram\n"
            "d_seconds_bucket{le=\"0.1\"} 2\n"
            "d_seconds_bucket{le=\"1\"} 3\n"
            "d_seconds_bucket{le=\"+Inf\"} 4\n"
            "d_seconds_sum 7.65\n"
            "d_seconds_count 4\n");
}

TEST(Histogram, RefusesBoundsThatDoNotAscend) {
  EXPECT_THROW(Histogram({1, 1}), std::invalid_argument);
  EXPECT_THROW(Histogram(std::vector<double>(Histogram::kMaxBuckets + 1, 0)),
               std::invalid_argument);
}

TEST(Registry, CollectorsWriteTheirSamplesAfterTheirHeader) {
  Registry registry;
  registry.collector("c_total", "Collected", "counter",
                     [](std::string& out) { out += "c_total{a=\"b\"} 5\n"; });
  EXPECT_EQ(registry.render(),
            "# HELP c_total Collected\n# TYPE c_total counter\nc_total{a=\"b\"} 5\n");
}

TEST(Counter, CountsEveryIncrementFromManyThreads) {
  Registry registry;
  auto& c = registry.counter("t_total", "help");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&c] {
      for (int i = 0; i < 10000; ++i) c.inc();
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.value(), 40000u);
}

}  // namespace
}  // namespace assetd::metrics
