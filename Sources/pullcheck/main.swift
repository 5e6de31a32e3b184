import PullCheckCLI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

// Everything happens in PullCheckCLI (over PullCheckKit); this file only connects it to the process.
exit(PullCheckCLI.run(.process()))
