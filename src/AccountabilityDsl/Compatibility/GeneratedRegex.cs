using System.Collections.Concurrent;
using System.Reflection;
using System.Text.RegularExpressions;

namespace System.Text.RegularExpressions
{
    /// <summary>
    /// netstandard2.0 has no regex source generator: this attribute keeps the compiler's
    /// <c>[GeneratedRegex]</c> declarations (the one place each pattern is written) compiling,
    /// and <see cref="AccountabilityDsl.Compatibility.GeneratedRegexFallback"/> builds the regex
    /// from it at run time. net10.0 uses the real attribute and its generated code.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    internal sealed class GeneratedRegexAttribute(string pattern, RegexOptions options) : Attribute
    {
        public string Pattern { get; } = pattern;

        public RegexOptions Options { get; } = options;
    }
}

namespace AccountabilityDsl.Compatibility
{
    /// <summary>The regexes of <c>[GeneratedRegex]</c> methods on netstandard2.0, built once each.</summary>
    internal static class GeneratedRegexFallback
    {
        private static readonly ConcurrentDictionary<(Type, string), Regex> Cache = new();

        public static Regex For(Type type, string method) => Cache.GetOrAdd((type, method), static key =>
        {
            GeneratedRegexAttribute attribute = key.Item1.GetMethod(key.Item2, BindingFlags.Static | BindingFlags.NonPublic)!
                .GetCustomAttribute<GeneratedRegexAttribute>()!;
            return new Regex(attribute.Pattern, attribute.Options | RegexOptions.Compiled);
        });
    }
}

namespace AccountabilityDsl.Syntax
{
    public sealed partial class SuppressionDirectives
    {
        private static partial Regex Directive() => Compatibility.GeneratedRegexFallback.For(typeof(SuppressionDirectives), nameof(Directive));
    }
}

namespace AccountabilityDsl.Workspace
{
    public sealed partial class EditorConfigSeverities
    {
        private static partial Regex SeverityKey() => Compatibility.GeneratedRegexFallback.For(typeof(EditorConfigSeverities), nameof(SeverityKey));

        private static partial Regex SeverityLine() => Compatibility.GeneratedRegexFallback.For(typeof(EditorConfigSeverities), nameof(SeverityLine));
    }

    public static partial class WorkspaceMessages
    {
        private static partial Regex TrailingPath() => Compatibility.GeneratedRegexFallback.For(typeof(WorkspaceMessages), nameof(TrailingPath));
    }
}
