// The rows every compatibility test sends both ways.
const row = { id: 1, name: '张三', city: '北京市朝阳区', note: 'ok 👍🏽', amount: '12.50', __op: 0 }

function oneMiB(): string {
  const unit = `${JSON.stringify(row)}\n`
  const target = 1024 * 1024
  const unitBytes = Buffer.byteLength(unit)
  const whole = Math.floor(target / unitBytes)
  const text = unit.repeat(whole)
  return text + 'x'.repeat(target - whole * unitBytes)
}

export const payloads: Record<string, string> = {
  ascii: '{"id":42,"name":"plain ascii row","__op":0}',
  chinese: JSON.stringify({ id: 7, 名称: '数据同步测试', 地址: '上海市浦东新区' }),
  emoji: '{"note":"🚀 shipped 😀 👨‍👩‍👧 🇨🇳"}',
  empty: '',
  mib: oneMiB(),
}

if (Buffer.byteLength(payloads.mib ?? '') !== 1024 * 1024) throw new Error('the 1 MiB payload is not 1 MiB')
