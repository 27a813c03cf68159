// Reply bodies quoted in §4.3 of the protocol reference, and the outcome each must give.
import { describe, expect, it } from 'vitest'
import { classifyReply, parseReply } from '../src/response.ts'

const reply = (o: Record<string, unknown>) => parseReply(JSON.stringify(o))!

describe('parseReply', () => {
  it('reads fields case-insensitively and tolerates old and Doris names', () => {
    const r = reply({
      txnid: 57,
      LABEL: 'x',
      status: 'Fail',
      message: 'too many filtered rows',
      NumberFilteredRows: 1,
      errorurl: 'http://be/e',
    })
    expect(r).toMatchObject({
      txnId: 57,
      label: 'x',
      status: 'Fail',
      filteredRows: 1,
      errorUrl: 'http://be/e',
    })
    expect(reply({ status: 'FAILED', msg: 'Access denied for u@1.2.3.4' }).message).toBe(
      'Access denied for u@1.2.3.4',
    )
  })

  it('returns undefined for text that is not a reply', () => {
    expect(parseReply('<html>502</html>')).toBeUndefined()
    expect(parseReply('{"foo":1}')).toBeUndefined()
  })
})

describe('classifyReply', () => {
  it('Success and Publish Timeout are successes; only Success is visible', () => {
    expect(classifyReply(reply({ Status: 'Success', Message: 'OK' }))).toEqual({
      ok: true,
      status: 'Success',
      visible: true,
    })
    expect(classifyReply(reply({ Status: 'Publish Timeout' }))).toMatchObject({ ok: true, visible: false })
  })

  it('Label Already Exists is a success only with ExistingJobStatus FINISHED', () => {
    const body = {
      TxnId: -1,
      Label: 'test123456',
      Status: 'Label Already Exists',
      Message: 'Label [test123456] has already been used.',
    }
    expect(classifyReply(reply({ ...body, ExistingJobStatus: 'FINISHED' }))).toMatchObject({ ok: true })
    expect(classifyReply(reply({ ...body, ExistingJobStatus: 'RUNNING' }))).toEqual({
      ok: false,
      code: 'SL_LABEL_RUNNING',
      retriable: true,
    })
  })

  it('recognises a reused label by its message when the status differs (issue 57982)', () => {
    const r = reply({
      Status: 'Fail',
      Message: 'Label [a] has already been used.',
      ExistingJobStatus: 'FINISHED',
    })
    expect(classifyReply(r)).toMatchObject({ ok: true, status: 'Label Already Exists' })
  })

  it('classifies failures the SDK does not retry, and retries the rest', () => {
    const cls = (Message: string, extra = {}) => classifyReply(reply({ Status: 'Fail', Message, ...extra }))
    expect(cls('too many filtered rows')).toMatchObject({ code: 'SL_FILTERED_ROWS', retriable: false })
    expect(cls('Failed to parse json as array. error: A string is opened, but never closed.')).toMatchObject({
      code: 'SL_BAD_DATA',
    })
    expect(cls('unknown table "db.tbl"')).toMatchObject({ code: 'SL_BAD_REQUEST', retriable: false })
    expect(
      cls('Access denied; you need (at least one of) the INSERT privilege(s) for this operation'),
    ).toMatchObject({ code: 'SL_AUTH' })
    expect(cls('all partitions have no load data', { NumberFilteredRows: 1 })).toMatchObject({
      code: 'SL_FILTERED_ROWS',
    })
    expect(cls('current running txns on db 10 is 100, larger than limit 100')).toMatchObject({
      code: 'SL_LOAD_FAILED',
      retriable: true,
    })
  })
})
