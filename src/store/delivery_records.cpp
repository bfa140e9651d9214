// The names of the outbox's delivery states, as stored and shown by the API.
#include "store/delivery_records.h"

#include <array>
#include <utility>

namespace slipway::store {

namespace {

constexpr std::array<std::pair<DeliveryStatus, std::string_view>, 4> kDeliveryStatuses{{
    {DeliveryStatus::pending, "pending"},
    {DeliveryStatus::delivered, "delivered"},
    {DeliveryStatus::failed, "failed"},
    {DeliveryStatus::superseded, "superseded"},
}};

}  // namespace

std::string_view to_string(DeliveryStatus status) {
  for (const auto& [value, name] : kDeliveryStatuses) {
    if (value == status) return name;
  }
  return "unknown";
}

std::optional<DeliveryStatus> parse_delivery_status(std::string_view text) {
  for (const auto& [value, name] : kDeliveryStatuses) {
    if (name == text) return value;
  }
  return std::nullopt;
}

}  // namespace slipway::store
