using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Tests.Analysis;

/// <summary>
/// Rule baselines show only the rule under test, so that another rule landing later (or firing
/// incidentally on a small test policy) does not change them.
/// </summary>
internal static class RuleTest
{
    public static string Diagnostics(string text, string id) =>
        Baseline.Render(TestPolicy.Compile(text).Diagnostics.Where(d => d.Id == id));
}
