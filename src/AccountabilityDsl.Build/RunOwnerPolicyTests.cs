using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Runtime.Compiled.Testing;
using AccountabilityDsl.Workspace;
using Microsoft.Build.Framework;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace AccountabilityDsl.Build;

/// <summary>
/// Runs the project's <c>.owner-test</c> files (<c>OwnerRunTests=true</c>) through the runner
/// <c>ownerc test</c> uses (<see cref="PolicyTestSession"/>): a test file tests the
/// <c>OwnerPolicy</c> items in its folder. A failed expectation is a build error at the
/// expectation's line (<c>policy.owner-test(7): error OWNB006: …</c>), followed by the policy
/// lines involved as messages; a test file's own errors are its OWN09xx diagnostics; passing
/// tests log only at normal importance, which a default build does not show.
/// Built for the net10.0 task only: the runner is the runtime's contact gate, which needs .NET.
/// </summary>
public sealed class RunOwnerPolicyTests : MSBuildTask, ICancelableTask
{
    internal const string FailedTestCode = "OWNB006";

    private volatile bool _cancelled;

    /// <summary>The <c>.owner-test</c> files to run.</summary>
    [Required]
    public ITaskItem[] Tests { get; set; } = [];

    /// <summary>The project's policies; a test file tests those in its folder.</summary>
    public ITaskItem[] Policies { get; set; } = [];

    /// <summary>Written (touched) when every test passed, so that an unchanged project does not run them again.</summary>
    public string? PassedStampFile { get; set; }

    public void Cancel() => _cancelled = true;

    public override bool Execute()
    {
        var comparer = OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        string[] policies = [.. Policies.Select(p => p.GetMetadata("FullPath")).Distinct(comparer).Order(StringComparer.Ordinal)];
        StringComparison pathComparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

        // A test file tests the policies with a file in its folder, whose other files may be in subfolders
        // (PolicyTestSession keeps those): the folder's items first, then the subfolders', as ownerc test does.
        var session = new PolicyTestSession(test =>
        {
            string folder = Path.GetDirectoryName(test.FullPath)!;
            return policies
                .Where(path => path.StartsWith(folder + Path.DirectorySeparatorChar, pathComparison))
                .OrderBy(path => string.Equals(Path.GetDirectoryName(path), folder, pathComparison) ? 0 : 1)
                .Select(path => new PolicyInput(path, path));
        });

        int passed = 0, failed = 0;
        foreach (string path in Tests.Select(t => t.GetMetadata("FullPath")).Distinct(comparer).Order(StringComparer.Ordinal))
        {
            if (_cancelled)
            {
                return false;
            }

            TestFileResult? result;
            try
            {
                if (!session.TryRun(new PolicyInput(path, path), out result, out string? readError))
                {
                    Log.LogError(null, GenerateOwnerPolicies.UnreadablePolicyCode, null, path, 0, 0, 0, 0, readError);
                    continue;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.LogError(null, GenerateOwnerPolicies.InternalErrorCode, null, path, 0, 0, 0, 0, $"internal error in the AccountabilityDsl test runner: {e}");
                continue;
            }

            foreach (Diagnostic diagnostic in result!.Diagnostics)
            {
                DiagnosticLog.Report(Log, diagnostic);
            }

            foreach (TestResult test in result.Tests)
            {
                if (test.Passed)
                {
                    passed++;
                    Log.LogMessage(MessageImportance.Normal, $"{test.File}({test.Line}): passed: {test.Name}");
                    continue;
                }

                failed++;
                foreach (Diagnostic diagnostic in test.Diagnostics)
                {
                    DiagnosticLog.Report(Log, diagnostic);
                }

                foreach (TestFailure failure in test.Failures)
                {
                    Log.LogError(null, FailedTestCode, null, test.File, failure.Line, 0, 0, 0,
                        $"test \"{test.Name}\" failed: expected {failure.Expected}, but {failure.Actual}");
                    foreach (string line in failure.PolicyLines)
                    {
                        Log.LogMessage(MessageImportance.High, $"  {line}");
                    }
                }
            }
        }

        foreach (string unreadable in session.UnreadablePolicies)
        {
            Log.LogWarning(null, GenerateOwnerPolicies.UnreadablePolicyCode, null, null, 0, 0, 0, 0, unreadable);
        }

        Log.LogMessage(MessageImportance.Normal, $"AccountabilityDsl policy tests: {passed} passed, {failed} failed");
        if (!Log.HasLoggedErrors && PassedStampFile is { Length: > 0 })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(PassedStampFile))!);
            File.WriteAllText(PassedStampFile, $"{passed} passed\n");
        }

        return !Log.HasLoggedErrors;
    }
}
