using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;

namespace AccountabilityDsl.Syntax;

/// <summary>
/// Every node of a tree, found through the node records' own properties (a child is a property
/// of a <see cref="SyntaxNode"/> type, or an immutable array of them), so a node kind added to
/// the grammar is walked without changing this class. Used to tell which file a node of a
/// several-file policy belongs to, and by editors to find the node at a position.
/// </summary>
public static class SyntaxWalk
{
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> ChildProperties = new();

    /// <summary>The tree's declarations and everything inside them, parents before children.</summary>
    public static IEnumerable<SyntaxNode> DescendantNodes(this SyntaxTree tree)
    {
        var pending = new Stack<SyntaxNode>();
        for (int i = tree.Declarations.Length - 1; i >= 0; i--)
        {
            pending.Push(tree.Declarations[i]);
        }

        while (pending.Count > 0)
        {
            SyntaxNode node = pending.Pop();
            yield return node;
            var children = new List<SyntaxNode>();
            foreach (PropertyInfo property in ChildProperties.GetOrAdd(node.GetType(), Children))
            {
                switch (property.GetValue(node))
                {
                    case SyntaxNode child:
                        children.Add(child);
                        break;
                    case IEnumerable many when !IsDefaultArray(many):
                        children.AddRange(many.OfType<SyntaxNode>());
                        break;
                }
            }

            for (int i = children.Count - 1; i >= 0; i--)
            {
                pending.Push(children[i]);
            }
        }
    }

    /// <summary>A default (uninitialised) immutable array, which throws when enumerated: nothing to walk.</summary>
    private static bool IsDefaultArray(IEnumerable many) =>
        many.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(System.Collections.Immutable.ImmutableArray<>)
        && (bool)type.GetProperty("IsDefault")!.GetValue(many)!;

    private static PropertyInfo[] Children(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0
                && (typeof(SyntaxNode).IsAssignableFrom(p.PropertyType)
                    || (p.PropertyType.IsGenericType && p.PropertyType.GetGenericArguments() is [var item] && typeof(SyntaxNode).IsAssignableFrom(item)
                        && typeof(IEnumerable).IsAssignableFrom(p.PropertyType))))];
}
