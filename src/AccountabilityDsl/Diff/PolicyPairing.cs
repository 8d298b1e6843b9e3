using AccountabilityDsl.Syntax;

namespace AccountabilityDsl.Diff;

/// <summary>One policy in two versions; null on the side that does not have it (added or removed).</summary>
public sealed record PolicyVersions(string Name, PolicyCompilation? Old, PolicyCompilation? New);

/// <summary>
/// Pairs the policies of two versions of a set of files (<c>ownerc diff</c>): by the name their
/// header gives, however the versions split a policy into files or name those files, so that a
/// renamed file or a policy split in two is still the same policy. A policy only one version
/// has is added or removed. When each version holds exactly one policy they are paired whatever
/// their names: the user named the two versions to compare, and the diff notes a renamed policy.
/// </summary>
public static class PolicyPairing
{
    /// <param name="oldPolicies">The old version's compilations (one per policy, as the workspace compiles them).</param>
    /// <param name="newPolicies">The new version's.</param>
    /// <param name="fileKey">
    /// For a file without a <c>policy</c> header (an error, compiled on its own): a key that is
    /// the same for the file in both versions, such as its path relative to the folder compared.
    /// </param>
    public static IReadOnlyList<PolicyVersions> Pair(
        IReadOnlyList<PolicyCompilation> oldPolicies,
        IReadOnlyList<PolicyCompilation> newPolicies,
        Func<SyntaxTree, string> fileKey)
    {
        if (oldPolicies.Count == 1 && newPolicies.Count == 1)
        {
            return [new PolicyVersions(newPolicies[0].PolicyName, oldPolicies[0], newPolicies[0])];
        }

        Dictionary<string, PolicyCompilation> olds = ByKey(oldPolicies, fileKey);
        Dictionary<string, PolicyCompilation> news = ByKey(newPolicies, fileKey);
        return [.. olds.Keys.Union(news.Keys)
            .OrderBy(key => key, StringComparer.Ordinal)
            .Select(key =>
            {
                olds.TryGetValue(key, out PolicyCompilation? before);
                news.TryGetValue(key, out PolicyCompilation? after);
                return new PolicyVersions((after ?? before)!.PolicyName, before, after);
            })];
    }

    private static Dictionary<string, PolicyCompilation> ByKey(IReadOnlyList<PolicyCompilation> policies, Func<SyntaxTree, string> fileKey)
    {
        var byKey = new Dictionary<string, PolicyCompilation>(StringComparer.Ordinal);
        foreach (PolicyCompilation policy in policies)
        {
            // Headerless files sort after the named policies and never meet a policy's name.
            byKey[policy.SyntaxTree.PolicyName ?? "\uffff" + fileKey(policy.SyntaxTree)] = policy;
        }

        return byKey;
    }
}
