-- Alternates POST /v1/RetailBank/reserve and POST /v1/RetailBank/commit on each connection:
-- every reservation a response carries is committed by the connection's next request.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local pending = nil
local counter = 0
local thread_id = math.random(1, 1000000000)
request = function()
  if pending ~= nil then
    local body = string.format('{"reservation":"%s"}', pending)
    pending = nil
    return wrk.format(nil, "/v1/RetailBank/commit", nil, body)
  end
  counter = counter + 1
  local body = string.format('{"customerId":"rc-%d-%d","channel":"DirectMail","idempotencyKey":"k-%d"}', thread_id, counter, counter)
  return wrk.format(nil, "/v1/RetailBank/reserve", nil, body)
end
response = function(status, headers, body)
  local token = string.match(body, '"reservation":"(r2%.[^"]+)"')
  if token ~= nil then
    pending = token
  end
end
