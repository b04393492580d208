package redistimer

import "github.com/redis/go-redis/v9"

// The scripts run with EVALSHA, falling back to EVAL when the server does not
// know them yet (redis.Script.Run). They name their keys in KEYS, so that
// Cluster routes them to the slot of the index. Lua's unpack is bounded by
// the C stack (8000 values), hence the chunks of 500.

// claimScript leases due timers and timers whose lease expired.
var claimScript = redis.NewScript(`
-- KEYS[1] -> waiting sorted set: timer ID scored by due time (unix µs, rounded up)
-- KEYS[2] -> claimed sorted set: timer ID scored by lease expiry (unix µs)
-- KEYS[3] -> due hash: timer ID -> "<due µs>:<due unix ns>"
-- ARGV[1] -> now (unix µs, rounded down)
-- ARGV[2] -> limit: the most timers to claim (> 0)
-- ARGV[3] -> lease expiry: now + lease (unix µs)
-- Returns a flat array ID, due value, ID, due value, ... of the timers now
-- claimed until ARGV[3]: first those whose lease expired at or before now (by
-- expiry), then waiting ones due at or before now (by due time). A timer
-- without a due value gets and keeps "<now>:".
local limit = tonumber(ARGV[2])
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, limit)
if #ids < limit then
  local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, limit - #ids)
  for i = 1, #due, 500 do
    redis.call('ZREM', KEYS[1], unpack(due, i, math.min(i + 499, #due)))
  end
  for _, id in ipairs(due) do
    ids[#ids + 1] = id
  end
end
local out = {}
for i = 1, #ids, 500 do
  local j = math.min(i + 499, #ids)
  local scored = {}
  for k = i, j do
    scored[#scored + 1] = ARGV[3]
    scored[#scored + 1] = ids[k]
  end
  redis.call('ZADD', KEYS[2], unpack(scored))
  local dues = redis.call('HMGET', KEYS[3], unpack(ids, i, j))
  for k = i, j do
    local v = dues[k - i + 1]
    if not v then
      v = ARGV[1] .. ':'
      redis.call('HSET', KEYS[3], ids[k], v)
    end
    out[#out + 1] = ids[k]
    out[#out + 1] = v
  end
end
return out
`)

// ackScript drops claims.
var ackScript = redis.NewScript(`
-- KEYS[1] -> claimed sorted set: timer ID scored by lease expiry (unix µs)
-- KEYS[2] -> due hash: timer ID -> "<due µs>:<due unix ns>"
-- ARGV[1..n] -> timer IDs
-- Returns the number of claims dropped. An ID that is not claimed (gone, or
-- scheduled again since it was claimed) is left alone.
local n = 0
for _, id in ipairs(ARGV) do
  if redis.call('ZREM', KEYS[1], id) == 1 then
    redis.call('HDEL', KEYS[2], id)
    n = n + 1
  end
end
return n
`)

// releaseScript gives claims back, due at their due time.
var releaseScript = redis.NewScript(`
-- KEYS[1] -> waiting sorted set: timer ID scored by due time (unix µs, rounded up)
-- KEYS[2] -> claimed sorted set: timer ID scored by lease expiry (unix µs)
-- KEYS[3] -> due hash: timer ID -> "<due µs>:<due unix ns>"
-- ARGV[1..n] -> timer IDs
-- Returns the number of timers moved from claimed back to waiting, scored by
-- their due time (which has passed, so they are claimable at once; 0 if the
-- due value is missing). An ID that is not claimed is left alone.
local n = 0
for _, id in ipairs(ARGV) do
  if redis.call('ZREM', KEYS[2], id) == 1 then
    local v = redis.call('HGET', KEYS[3], id)
    local score = v and string.match(v, '^(-?%d+):')
    if not score then
      score = '0'
      redis.call('HSET', KEYS[3], id, '0:')
    end
    redis.call('ZADD', KEYS[1], score, id)
    n = n + 1
  end
end
return n
`)
