/** Version of this package's public contract. */
export const packageName = '@sync/table-matcher'
