namespace AccountabilityDsl.Testing;

// Linked into test projects only: a missing server skips the test (fails it under CI=true) like any missing tool.
public sealed partial class PostgresCluster
{
    partial void ReportMissing(string reason) => RequiredTool.Missing(reason);
}
