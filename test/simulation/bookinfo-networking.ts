// Bookinfo's networking samples, written in the shapes of Istio's samples/bookinfo/networking.

export const DESTINATION_RULE_ALL = `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: productpage}
spec:
  host: productpage
  subsets:
  - {name: v1, labels: {version: v1}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
  - {name: v3, labels: {version: v3}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ratings}
spec:
  host: ratings
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: details}
spec:
  host: details
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
`;

export const VIRTUAL_SERVICE_ALL_V1 = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: productpage}
spec:
  hosts: [productpage]
  http:
  - route:
    - destination: {host: productpage, subset: v1}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ratings}
spec:
  hosts: [ratings]
  http:
  - route:
    - destination: {host: ratings, subset: v1}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: details}
spec:
  hosts: [details]
  http:
  - route:
    - destination: {host: details, subset: v1}
`;

export const REVIEWS_TEST_V2 = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - match:
    - headers:
        end-user: {exact: jason}
    route:
    - destination: {host: reviews, subset: v2}
  - route:
    - destination: {host: reviews, subset: v1}
`;

export const REVIEWS_80_20 = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
      weight: 80
    - destination: {host: reviews, subset: v2}
      weight: 20
`;

export const REVIEWS_50_V3 = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
      weight: 50
    - destination: {host: reviews, subset: v3}
      weight: 50
`;

export const RATINGS_TEST_DELAY = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ratings}
spec:
  hosts: [ratings]
  http:
  - match:
    - headers:
        end-user: {exact: jason}
    fault:
      delay:
        percentage: {value: 100.0}
        fixedDelay: 7s
    route:
    - destination: {host: ratings, subset: v1}
  - route:
    - destination: {host: ratings, subset: v1}
`;

export const RATINGS_TEST_ABORT = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ratings}
spec:
  hosts: [ratings]
  http:
  - match:
    - headers:
        end-user: {exact: jason}
    fault:
      abort:
        percentage: {value: 100.0}
        httpStatus: 500
    route:
    - destination: {host: ratings, subset: v1}
  - route:
    - destination: {host: ratings, subset: v1}
`;

export const REVIEWS_TIMEOUT = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v2}
    timeout: 0.5s
`;

export const BOOKINFO_GATEWAY = `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: bookinfo-gateway}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 8080, name: http, protocol: HTTP}
    hosts: ["*"]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: bookinfo}
spec:
  hosts: ["*"]
  gateways: [bookinfo-gateway]
  http:
  - match:
    - uri: {exact: /productpage}
    - uri: {prefix: /static}
    - uri: {exact: /login}
    - uri: {exact: /logout}
    - uri: {prefix: /api/v1/products}
    route:
    - destination:
        host: productpage
        port: {number: 9080}
`;
