#include "report/xml_writer.hpp"

namespace llmbench::report {

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (c < 0x20 && ch != '\n' && ch != '\t' && ch != '\r') continue;  // not allowed in XML 1.0
        out += ch;
    }
  }
  return out;
}

void XmlWriter::Start(const std::string& name, const Attributes& attributes) {
  out_ << std::string(open_.size() * 2, ' ') << '<' << name;
  for (const auto& [k, v] : attributes) out_ << ' ' << k << "=\"" << XmlEscape(v) << '"';
}

void XmlWriter::Open(const std::string& name, const Attributes& attributes) {
  Start(name, attributes);
  out_ << ">\n";
  open_.push_back(name);
}

void XmlWriter::Close() {
  const std::string name = open_.back();
  open_.pop_back();
  out_ << std::string(open_.size() * 2, ' ') << "</" << name << ">\n";
}

void XmlWriter::Leaf(const std::string& name, const Attributes& attributes, std::string_view text) {
  Start(name, attributes);
  if (text.empty()) {
    out_ << "/>\n";
  } else {
    out_ << '>' << XmlEscape(text) << "</" << name << ">\n";
  }
}

}  // namespace llmbench::report
