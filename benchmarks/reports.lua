-- wrk script: durable report POSTs from the office, each one a new revision of some unit-day.
-- Bodies are ~600 bytes, like a township's real report with one village.
local units = {"beiwangzhuang","nancheng","beicheng","shentou-street","shentou-town","xiaopingyi","xiatuanpu",
               "yaozitou","nanyulin","limin","zirun","zhangcaizhuang","shalenghe"}
local counter = 0
local token = os.getenv("TOKEN")
-- REPORTS_QUERY, e.g. "?dryRun=true": every check runs, nothing is stored (what the storage's part costs).
local path = "/api/v1/reports" .. (os.getenv("REPORTS_QUERY") or "")
local thread_id = 0

setup = function(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
end

init = function(args)
  counter = id * 100000000
end

local function date_of(n)
  -- 200 days from 2021-08-01: days in month, simple walk.
  local days = {31, 30, 31, 30, 31, 31, 28, 31}
  local months = {8, 9, 10, 11, 12, 1, 2, 3}
  local offset = n % 200
  for i = 1, #days do
    if offset < days[i] then
      local year = months[i] >= 8 and 2021 or 2022
      return string.format("%04d-%02d-%02d", year, months[i], offset + 1)
    end
    offset = offset - days[i]
  end
  return "2021-10-15"
end

request = function()
  counter = counter + 1
  local unit = units[(counter % 13) + 1]
  local body = string.format([[{"unit":"%s","date":"%s","villages":[{"village":"bench-%s","path":"biomass","confirmed":300,"signed":280,"installed":250,"accepted":200,"operating":180}],"fuel":{"cleanCoalTons":0,"biomassTons":30.5},"issues":["变压器容量不足，需地电公司增容","部分农户外出务工，入户安装需预约"],"nextDayPlan":"完成剩余50户设备安装，第%d次报送","reporter":{"name":"张三","phone":"13800000000"}}]],
    unit, date_of(math.floor(counter / 13)), unit, counter)
  return wrk.format("POST", path, {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, body)
end

done = function(summary, latency, requests)
  local codes = summary.errors
  io.write(string.format("RESULT requests/s=%.0f p50=%.2fms p99=%.2fms non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000, codes.status))
end
