#pragma once
// Process metrics in the Prometheus text format. Counters, gauges and histograms are lock-free
// atomics that any layer may increment from any thread; the registry only takes its mutex to
// create a series (callers keep the reference it returns) and to render. Depends on nothing of
// the project, so that every layer can count.
#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace assetd::metrics {

// label name → value, in the order given (rendered in that order).
using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void add(std::int64_t n) { value_.fetch_add(n, std::memory_order_relaxed); }
  void set(std::int64_t n) { value_.store(n, std::memory_order_relaxed); }
  std::int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

// Observations in seconds, counted into fixed buckets (upper bounds, ascending; +Inf is
// implied). observe() is two relaxed increments and one add.
class Histogram {
 public:
  static constexpr std::size_t kMaxBuckets = 16;
  // Latencies from 0.5 ms to 10 s.
  static const std::vector<double>& latencyBuckets();
  // Throws std::invalid_argument for more than kMaxBuckets bounds or bounds not ascending.
  explicit Histogram(std::vector<double> bounds);
  void observe(double seconds);
  const std::vector<double>& bounds() const { return bounds_; }
  // Observations ≤ bounds()[i] (not cumulative: the render adds them up); index bounds().size()
  // counts those above every bound.
  std::uint64_t bucket(std::size_t i) const { return counts_[i].load(std::memory_order_relaxed); }
  std::uint64_t count() const;
  double sum() const;

 private:
  std::vector<double> bounds_;
  std::array<std::atomic<std::uint64_t>, kMaxBuckets + 1> counts_{};
  std::atomic<std::uint64_t> sumNanos_{0};
};

// Appends Prometheus text: a label set `{a="x",b="y"}` (values escaped), or nothing if empty.
void appendLabels(std::string& out, const Labels& labels);
// Appends the samples of one histogram series named `name` with `labels` (the _bucket lines,
// _sum and _count).
void appendHistogram(std::string& out, std::string_view name, const Labels& labels,
                     const Histogram& histogram);

class Registry {
 public:
  // The series of `name` with `labels`, created on first use; the same name and labels return
  // the same series. Thread-safe; the reference lives as long as the registry. Throws
  // std::invalid_argument when `name` was registered with another type.
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help, const Labels& labels = {},
                       const std::vector<double>& bounds = Histogram::latencyBuckets());
  // A family whose samples `write` appends at render time (after its # HELP and # TYPE
  // lines), for series kept elsewhere (e.g. per route). `type` is "counter", "gauge" or
  // "histogram".
  void collector(const std::string& name, const std::string& help, const std::string& type,
                 std::function<void(std::string& out)> write);
  // Every family in registration order, in the text exposition format 0.0.4.
  std::string render() const;

 private:
  struct Family {
    std::string name, help, type;
    std::vector<std::pair<Labels, void*>> series;
    std::function<void(std::string&)> write;
  };
  Family& family(const std::string& name, const std::string& help, const std::string& type);
  void* find(Family& f, const Labels& labels);

  mutable std::mutex mutex_;
  std::deque<Family> families_;
  std::deque<Counter> counters_;
  std::deque<Gauge> gauges_;
  std::deque<Histogram> histograms_;
};

// The process's registry, which /metrics renders. Lower layers count into it directly.
Registry& global();

}  // namespace assetd::metrics
