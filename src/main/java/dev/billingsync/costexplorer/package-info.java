/** Atlas Cost Explorer queries and the monthly usage rows they produce. */
@NullMarked
package dev.billingsync.costexplorer;

import org.jspecify.annotations.NullMarked;
