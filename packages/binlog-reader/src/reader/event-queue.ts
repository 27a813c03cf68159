// A bounded hand-over between zongji's synchronous event delivery and an async consumer.
// Weight is counted in rows; crossing the high-water mark asks the producer to pause,
// draining to the low-water mark asks it to resume. A terminal error is delivered after
// the events queued before it, so nothing decoded before a failure is lost.

export interface EventQueueOptions {
  highWaterMark: number
  onHigh(): void
  onLow(): void
}

interface Entry<T> {
  item: T
  weight: number
}

export class EventQueue<T> {
  private items: Array<Entry<T> | undefined> = []
  private head = 0
  private weightQueued = 0
  private waiter: ((r: IteratorResult<T>) => void) | undefined
  private failWaiter: ((err: unknown) => void) | undefined
  private terminal: { error: unknown } | undefined
  private ended = false
  private high = false

  constructor(private readonly options: EventQueueOptions) {}

  get weight(): number {
    return this.weightQueued
  }

  get length(): number {
    return this.items.length - this.head
  }

  push(item: T, weight = 1): void {
    if (this.ended || this.terminal) return
    if (this.waiter) {
      const w = this.waiter
      this.waiter = undefined
      this.failWaiter = undefined
      w({ value: item, done: false })
      return
    }
    this.items.push({ item, weight })
    this.weightQueued += weight
    if (!this.high && this.weightQueued >= this.options.highWaterMark) {
      this.high = true
      this.options.onHigh()
    }
  }

  /** Ends the stream with an error, after the events already queued. */
  fail(error: unknown): void {
    if (this.ended || this.terminal) return
    this.terminal = { error }
    if (this.failWaiter && this.length === 0) {
      const f = this.failWaiter
      this.waiter = undefined
      this.failWaiter = undefined
      f(error)
    }
  }

  /** Ends the stream now, dropping whatever is queued. */
  end(): void {
    this.ended = true
    this.items = []
    this.head = 0
    this.weightQueued = 0
    if (this.waiter) {
      const w = this.waiter
      this.waiter = undefined
      this.failWaiter = undefined
      w({ value: undefined, done: true })
    }
  }

  /**
   * The next queued item, taken at once, or undefined when none is queued (and when the
   * stream has ended or failed: next() reports those). Lets a consumer drain what is queued
   * without a promise per item; watermarks work as with next().
   */
  tryShift(): T | undefined {
    if (this.ended) return undefined
    const entry = this.items[this.head]
    if (!entry) return undefined
    this.items[this.head] = undefined
    this.head++
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    this.weightQueued -= entry.weight
    if (this.high && this.weightQueued <= this.options.highWaterMark / 2) {
      this.high = false
      this.options.onLow()
    }
    return entry.item
  }

  next(): Promise<IteratorResult<T>> {
    if (this.ended) return Promise.resolve({ value: undefined, done: true })
    if (this.items[this.head]) return Promise.resolve({ value: this.tryShift() as T, done: false })
    if (this.terminal) {
      const { error } = this.terminal
      this.ended = true
      return Promise.reject(error)
    }
    return new Promise((resolve, reject) => {
      this.waiter = resolve
      this.failWaiter = reject
    })
  }
}
