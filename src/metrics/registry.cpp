#include "metrics/registry.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace assetd::metrics {

namespace {

void appendNumber(std::string& out, double value) {
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.9g", value);
  out += buffer;
}

void appendEscaped(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
}

// HELP text escapes only backslash and newline.
void appendHelp(std::string& out, std::string_view help) {
  for (char c : help) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
}

}  // namespace

const std::vector<double>& Histogram::latencyBuckets() {
  static const std::vector<double> bounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                          0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return bounds;
}

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)) {
  if (bounds_.size() > kMaxBuckets) throw std::invalid_argument("histogram: too many buckets");
  for (std::size_t i = 1; i < bounds_.size(); ++i)
    if (!(bounds_[i - 1] < bounds_[i]))
      throw std::invalid_argument("histogram: bounds must ascend");
}

void Histogram::observe(double seconds) {
  std::size_t i = 0;
  while (i < bounds_.size() && seconds > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  if (seconds > 0)
    sumNanos_.fetch_add(static_cast<std::uint64_t>(seconds * 1e9), std::memory_order_relaxed);
}

std::uint64_t Histogram::count() const {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) total += bucket(i);
  return total;
}

double Histogram::sum() const {
  return static_cast<double>(sumNanos_.load(std::memory_order_relaxed)) / 1e9;
}

void appendLabels(std::string& out, const Labels& labels) {
  if (labels.empty()) return;
  out += '{';
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out += ',';
    first = false;
    out += name;
    out += "=\"";
    appendEscaped(out, value);
    out += '"';
  }
  out += '}';
}

void appendHistogram(std::string& out, std::string_view name, const Labels& labels,
                     const Histogram& histogram) {
  std::uint64_t cumulative = 0;
  const auto& bounds = histogram.bounds();
  for (std::size_t i = 0; i <= bounds.size(); ++i) {
    cumulative += histogram.bucket(i);
    Labels withLe = labels;
    std::string le;
    appendNumber(le, i < bounds.size() ? bounds[i] : INFINITY);
    withLe.emplace_back("le", le);
    out += name;
    out += "_bucket";
    appendLabels(out, withLe);
    out += ' ' + std::to_string(cumulative) + '\n';
  }
  out += name;
  out += "_sum";
  appendLabels(out, labels);
  out += ' ';
  appendNumber(out, histogram.sum());
  out += '\n';
  out += name;
  out += "_count";
  appendLabels(out, labels);
  out += ' ' + std::to_string(cumulative) + '\n';
}

Registry::Family& Registry::family(const std::string& name, const std::string& help,
                                   const std::string& type) {
  for (auto& f : families_) {
    if (f.name != name) continue;
    if (f.type != type)
      throw std::invalid_argument("metric " + name + " registered as " + f.type + ", not " + type);
    return f;
  }
  families_.push_back(Family{name, help, type, {}, {}});
  return families_.back();
}

void* Registry::find(Family& f, const Labels& labels) {
  for (auto& [l, series] : f.series)
    if (l == labels) return series;
  return nullptr;
}

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& f = family(name, help, "counter");
  if (void* found = find(f, labels)) return *static_cast<Counter*>(found);
  auto& c = counters_.emplace_back();
  f.series.emplace_back(labels, &c);
  return c;
}

Gauge& Registry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& f = family(name, help, "gauge");
  if (void* found = find(f, labels)) return *static_cast<Gauge*>(found);
  auto& g = gauges_.emplace_back();
  f.series.emplace_back(labels, &g);
  return g;
}

Histogram& Registry::histogram(const std::string& name, const std::string& help,
                               const Labels& labels, const std::vector<double>& bounds) {
  std::lock_guard lock(mutex_);
  auto& f = family(name, help, "histogram");
  if (void* found = find(f, labels)) return *static_cast<Histogram*>(found);
  auto& h = histograms_.emplace_back(bounds);
  f.series.emplace_back(labels, &h);
  return h;
}

void Registry::collector(const std::string& name, const std::string& help, const std::string& type,
                         std::function<void(std::string&)> write) {
  std::lock_guard lock(mutex_);
  family(name, help, type).write = std::move(write);
}

std::string Registry::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  out.reserve(8192);
  for (const auto& f : families_) {
    out += "# HELP " + f.name + ' ';
    appendHelp(out, f.help);
    out += "\n# TYPE " + f.name + ' ' + f.type + '\n';
    for (const auto& [labels, series] : f.series) {
      if (f.type == "histogram") {
        appendHistogram(out, f.name, labels, *static_cast<const Histogram*>(series));
        continue;
      }
      out += f.name;
      appendLabels(out, labels);
      out += ' ';
      if (f.type == "counter")
        out += std::to_string(static_cast<const Counter*>(series)->value());
      else
        out += std::to_string(static_cast<const Gauge*>(series)->value());
      out += '\n';
    }
    if (f.write) f.write(out);
  }
  return out;
}

Registry& global() {
  static Registry registry;
  return registry;
}

}  // namespace assetd::metrics
