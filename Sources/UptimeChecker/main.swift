import Glibc
import InstanceWatchCore

// The handler arrives with its own issue; until then the binary says so instead of pretending to work.
let arguments = CommandLine.arguments.dropFirst()
print("""
    UptimeChecker (instance-watch): not implemented yet.
    The Lambda runtime loop and this function's handler arrive in later issues.
    """)
exit(arguments.contains("--help") ? 0 : 2)
