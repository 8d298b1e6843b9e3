-- POST /v1/RetailBank/check for many customers (most allowed, as in production).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format('{"customerId":"bench-%d","channel":"Email"}', counter % 100000)
  return wrk.format(nil, wrk.path, nil, body)
end
