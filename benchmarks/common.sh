# Shared by the report benchmarks: sourced, not run.

# Sets the test clock, issues an office token (exported as TOKEN for benchmarks/reports.lua) and registers
# one village per township for the reports to name. Needs $base and $work/data/bootstrap-token.
prepare_report_load() {
  local admin
  admin=$(cat "$work/data/bootstrap-token")
  curl -fsS -X POST "$base/api/v1/_test/clock" -H 'Content-Type: application/json' \
    -d '{"now":"2022-03-01T12:00:00+08:00"}' >/dev/null
  TOKEN=$(curl -fsS -X POST "$base/api/v1/tokens" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    -d '{"role":"office","label":"bench"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')
  export TOKEN
  local unit
  for unit in beiwangzhuang nancheng beicheng shentou-street shentou-town xiaopingyi xiatuanpu yaozitou nanyulin \
              limin zirun zhangcaizhuang shalenghe; do
    curl -fsS -X POST "$base/api/v1/villages" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
      -d "{\"id\":\"bench-$unit\",\"name\":\"测试村\",\"unit\":\"$unit\",\"area\":\"rural\",\"targets\":{\"biomass\":300}}" >/dev/null
  done
}
