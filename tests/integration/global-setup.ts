// Placeholder until the local stack lands: starts nothing.
export async function setup(): Promise<void> {}
export async function teardown(): Promise<void> {}
