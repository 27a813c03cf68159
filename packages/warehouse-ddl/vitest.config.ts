import { syncVitestConfig } from '../../vitest.shared.ts'

export default syncVitestConfig('unit')
