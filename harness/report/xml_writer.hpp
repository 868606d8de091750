// Minimal XML output: escaping (including characters XML 1.0 forbids) and elements that close
// themselves (Catch2's XmlWriter shape).
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace llmbench::report {

/// Escapes &, <, >, " and ' and drops control characters XML 1.0 cannot carry.
std::string XmlEscape(std::string_view text);

class XmlWriter {
 public:
  using Attributes = std::vector<std::pair<std::string, std::string>>;
  explicit XmlWriter(std::ostream& out) : out_(out) { out_ << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"; }
  void Open(const std::string& name, const Attributes& attributes = {});
  void Close();
  /// <name attrs>text</name> (or <name attrs/> when text is empty).
  void Leaf(const std::string& name, const Attributes& attributes, std::string_view text = {});

 private:
  void Start(const std::string& name, const Attributes& attributes);
  std::ostream& out_;
  std::vector<std::string> open_;
};

}  // namespace llmbench::report
