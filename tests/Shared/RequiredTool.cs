using Xunit;

namespace AccountabilityDsl.Testing;

/// <summary>
/// Finds an external program a test needs (chromium, mono, postgres, neovim, node, wrk…). Where it is
/// missing, the test is reported as <em>skipped</em> with the reason on a developer machine, and
/// fails under <c>CI=true</c>, whose <c>.ci/run</c> installs every such tool: a test never passes
/// without having run. Use it from a <c>[SkippableFact]</c> or <c>[SkippableTheory]</c>.
/// </summary>
public static partial class RequiredTool
{
    /// <summary>True where the CI script runs the tests (<c>CI=true</c>).</summary>
    public static bool UnderCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The full path of <paramref name="program"/> on PATH (or at one of <paramref name="alsoLookIn"/>);
    /// otherwise skips the test (or fails it under CI) with a message naming the Debian package.
    /// </summary>
    public static string Find(string program, string debianPackage, params string[] alsoLookIn)
    {
        string? found = TryFind(program, alsoLookIn);
        if (found is not null)
        {
            return found;
        }

        Missing($"'{program}' is not installed (Debian package '{debianPackage}'; .ci/run installs it)");
        return null!; // unreachable: Missing always throws
    }

    /// <summary>Skips the test with <paramref name="reason"/>, or fails it under CI, where nothing may be missing.</summary>
    public static void Missing(string reason)
    {
        if (UnderCi)
        {
            throw new Xunit.Sdk.XunitException("under CI=true nothing a test needs may be missing: " + reason);
        }

        throw new SkipException(reason);
    }
}
