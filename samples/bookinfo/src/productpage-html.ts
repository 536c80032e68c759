// The product page's HTML, in the shape of Istio's productpage.html: book summary, details on the
// left, reviews on the right with stars in the reviewer's colour, and who is signed in.

export interface Review {
  reviewer: string;
  text: string;
  rating?: { stars?: number; color?: string; error?: string };
}

export interface PageModel {
  user: string;
  product: { id: number; title: string; descriptionHtml: string };
  details: Record<string, unknown> & { error?: string };
  reviews: { reviews?: Review[]; podname?: string; error?: string };
}

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function detailsHtml(details: PageModel['details']): string {
  if (details.error) return `<h4 class="text-center text-primary">Error fetching product details!</h4>\n<p>${esc(details.error)}</p>`;
  const rows: [string, unknown][] = [
    ['Type:', details.type], ['Pages:', details.pages], ['Publisher:', details.publisher],
    ['Language:', details.language], ['ISBN-10:', details['ISBN-10']], ['ISBN-13:', details['ISBN-13']],
  ];
  return `<h4 class="text-center text-primary">Book Details</h4>\n<dl>\n${rows.map(([k, v]) => `<dt>${k}</dt>${esc(v)}`).join('\n')}\n</dl>`;
}

function starsHtml(rating: Review['rating']): string {
  if (!rating) return '';
  if (rating.error) return `<font color="red">${esc(rating.error)}</font>`;
  const stars = Math.max(0, Math.min(5, rating.stars ?? 0));
  const full = '<span class="glyphicon glyphicon-star">&#9733;</span>'.repeat(stars);
  const empty = '<span class="glyphicon glyphicon-star-empty">&#9734;</span>'.repeat(5 - stars);
  return `<font color="${esc(rating.color ?? 'black')}">\n${full}${empty}\n</font>`;
}

function reviewsHtml(reviews: PageModel['reviews']): string {
  if (reviews.error) return `<h4 class="text-center text-primary">Error fetching product reviews!</h4>\n<p>${esc(reviews.error)}</p>`;
  const items = (reviews.reviews ?? []).map((r) => `<blockquote>\n<p>${esc(r.text)}</p>\n<small>${esc(r.reviewer)}</small>\n${starsHtml(r.rating)}\n</blockquote>`);
  return `<h4 class="text-center text-primary">Book Reviews</h4>\n${items.join('\n')}\n<dl>\n<dt>Reviews served by:</dt>\n<u>${esc(reviews.podname ?? '')}</u>\n</dl>`;
}

export function renderProductPage(m: PageModel): string {
  const signIn = m.user
    ? `<p class="navbar-text navbar-right">\n<i class="glyphicon glyphicon-user" aria-hidden="true"></i>\n<span style="padding-left: 5px;">${esc(m.user)} ( <a href="logout">sign out</a> )</span>\n</p>`
    : `<form method="post" action="login" class="navbar-form navbar-right">\n<input type="text" name="username" placeholder="User Name">\n<input type="password" name="passwd" placeholder="Password">\n<button type="submit">Sign in</button>\n</form>`;
  return `<!DOCTYPE html>
<html>
<head>
<title>Simple Bookstore App</title>
<meta charset="utf-8">
<link rel="stylesheet" href="static/bootstrap/css/bootstrap.min.css">
</head>
<body>
<nav class="navbar navbar-inverse navbar-static-top">
<div class="container">
<a class="navbar-brand" href="#">BookInfo Sample</a>
${signIn}
</div>
</nav>
<div class="container-fluid">
<div class="row">
<div class="col-md-12">
<h3 class="text-center text-primary">${esc(m.product.title)}</h3>
<p>Summary: ${m.product.descriptionHtml}</p>
</div>
</div>
<div class="row">
<div class="col-md-6">
${detailsHtml(m.details)}
</div>
<div class="col-md-6">
${reviewsHtml(m.reviews)}
</div>
</div>
</div>
</body>
</html>
`;
}
