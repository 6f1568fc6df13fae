#include "meta/cache/internal/cache_protocol.h"

#include <utility>

namespace strata::meta::cache::internal {
namespace {

std::string Cat(std::string_view a, std::string_view b, std::string_view c = {},
                std::string_view d = {}, std::string_view e = {}) {
  std::string out;
  out.reserve(a.size() + b.size() + c.size() + d.size() + e.size());
  out.append(a).append(b).append(c).append(d).append(e);
  return out;
}

// KEYS: epoch, identity generation, write marker, slot [, guard marker, guard slot]
// ARGV: scoped ("1" to key by the identity generation), token, lease ms
constexpr std::string_view kRead = R"lua(
local epoch = redis.call('GET', KEYS[1]) or '0'
local gen = ''
if ARGV[1] == '1' then gen = redis.call('GET', KEYS[2]) or '0' end
if tonumber(redis.call('GET', KEYS[3]) or '0') > 0 then return {0} end
local head = epoch .. '|' .. gen .. '|'
local lease = 'l' .. head .. ARGV[2]
local v = redis.call('GET', KEYS[4])
if v then
  if string.sub(v, 1, #head + 1) == 'd' .. head then
    local payload = string.sub(v, #head + 2)
    if #KEYS >= 6 and string.sub(payload, 1, 1) == '-' then
      if tonumber(redis.call('GET', KEYS[5]) or '0') > 0 then return {0} end
      local found = 'd' .. epoch .. '||+'
      local g = redis.call('GET', KEYS[6])
      if not g or string.sub(g, 1, #found) ~= found then return {0} end
    end
    return {1, payload}
  end
  if v == lease then return {2} end
  if string.sub(v, 1, #head + 1) == 'l' .. head then return {0} end
end
redis.call('SET', KEYS[4], lease, 'PX', ARGV[3])
return {2}
)lua";

// KEYS: epoch, identity generation, write marker, slot
// ARGV: scoped, token, payload, ttl ms
constexpr std::string_view kFill = R"lua(
local epoch = redis.call('GET', KEYS[1]) or '0'
local gen = ''
if ARGV[1] == '1' then gen = redis.call('GET', KEYS[2]) or '0' end
if tonumber(redis.call('GET', KEYS[3]) or '0') > 0 then return 0 end
local head = epoch .. '|' .. gen .. '|'
if redis.call('GET', KEYS[4]) ~= 'l' .. head .. ARGV[2] then return 0 end
redis.call('SET', KEYS[4], 'd' .. head .. ARGV[3], 'PX', ARGV[4])
return 1
)lua";

// KEYS: slot. ARGV: token (unique, so any lease ending in it is this reader's).
constexpr std::string_view kRelease = R"lua(
local v = redis.call('GET', KEYS[1])
local tail = '|' .. ARGV[1]
if v and string.sub(v, 1, 1) == 'l' and string.sub(v, -#tail) == tail then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
)lua";

// KEYS: write marker, slot or generation. ARGV: marker ttl ms, "incr" or "del".
constexpr std::string_view kBegin = R"lua(
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
if ARGV[2] == 'incr' then redis.call('INCR', KEYS[2]) else redis.call('DEL', KEYS[2]) end
return 1
)lua";

// KEYS: write marker, slot or generation. ARGV: "1" when Begin succeeded, "incr" or "del".
constexpr std::string_view kEnd = R"lua(
if ARGV[1] == '1' then
  if redis.call('DECR', KEYS[1]) <= 0 then redis.call('DEL', KEYS[1]) end
end
if ARGV[2] == 'incr' then redis.call('INCR', KEYS[2]) else redis.call('DEL', KEYS[2]) end
return 1
)lua";

}  // namespace

Keys::Keys(std::string prefix)
    : prefix_(std::move(prefix)),
      epoch_(prefix_ + "epoch"),
      identity_generation_(prefix_ + "idgen"),
      identity_marker_(prefix_ + "idw") {}

Entry Keys::Bucket(std::string_view name) const {
  return Entry{.slot = Cat(prefix_, "b:", name), .write_marker = Cat(prefix_, "bw:", name)};
}

Entry Keys::Object(std::string_view bucket, std::string_view key) const {
  return Entry{.slot = Cat(prefix_, "o:", bucket, "/", key),
               .write_marker = Cat(prefix_, "ow:", bucket, "/", key),
               .guard_slot = Cat(prefix_, "b:", bucket),
               .guard_marker = Cat(prefix_, "bw:", bucket)};
}

Entry Keys::Identity(std::string_view kind, std::string_view id) const {
  return Entry{.slot = Cat(prefix_, kind, id), .write_marker = identity_marker_, .scoped = true};
}

Entry Keys::AccessKey(std::string_view access_key) const { return Identity("ik:", access_key); }
Entry Keys::User(std::string_view user_id) const { return Identity("iu:", user_id); }
Entry Keys::EffectivePolicies(std::string_view user_id) const { return Identity("ie:", user_id); }
Entry Keys::Policy(std::string_view name) const { return Identity("ip:", name); }

Target Keys::BucketTarget(std::string_view name) const {
  return Target{.write_marker = Cat(prefix_, "bw:", name), .key = Cat(prefix_, "b:", name)};
}

Target Keys::ObjectTarget(std::string_view bucket, std::string_view key) const {
  return Target{.write_marker = Cat(prefix_, "ow:", bucket, "/", key),
                .key = Cat(prefix_, "o:", bucket, "/", key)};
}

Target Keys::IdentityTarget() const {
  return Target{.write_marker = identity_marker_, .key = identity_generation_, .increment = true};
}

const Script& ReadScript() {
  static const Script script(kRead);
  return script;
}
const Script& FillScript() {
  static const Script script(kFill);
  return script;
}
const Script& ReleaseScript() {
  static const Script script(kRelease);
  return script;
}
const Script& BeginScript() {
  static const Script script(kBegin);
  return script;
}
const Script& EndScript() {
  static const Script script(kEnd);
  return script;
}

}  // namespace strata::meta::cache::internal
