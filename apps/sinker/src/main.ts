console.log('sinker: not wired yet')
